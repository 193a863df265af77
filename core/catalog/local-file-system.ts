import { statfs } from 'node:fs/promises';

/**
 * Linux `statfs` types of file systems whose calls travel over a network or through a
 * user-space daemon (`linux/magic.h`): NFS, SMB and CIFS, FUSE (sshfs, GlusterFS...), Ceph,
 * 9P, AFS, Coda, Lustre, GFS2, OCFS2.
 */
const REMOTE_FILE_SYSTEM_TYPES = new Set([
  0x6969, 0xff534d42, 0xfe534d42, 0x517b, 0x65735546, 0x00c36400, 0x01021997, 0x5346414f, 0x6b414653, 0x73757245, 0x0bd00bd0, 0x01161970,
  0x7461636f,
]);

/** Whether a `statfs` type names a file system reached over a network or a user-space daemon. */
export function isRemoteFileSystemType(type: number): boolean {
  return REMOTE_FILE_SYSTEM_TYPES.has(type);
}

/**
 * Whether `path` is on a local file system (ext4, XFS, Btrfs, tmpfs, overlay...), whose calls
 * answer in microseconds. Only Linux says so reliably; anywhere else, and when it cannot be
 * told, the answer is no.
 */
export async function isLocalFileSystem(path: string): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  const info = await statfs(path).catch(() => null);
  return info !== null && !isRemoteFileSystemType(info.type);
}
