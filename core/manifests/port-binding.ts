/** Port bindings: `host:container[/proto]` or `ip:host:container[/proto]` (IPv6 as `[::1]`). */
import { isIP } from 'node:net';
import { InputError } from '../errors.js';
import { maskVariables } from './substitute-variables.js';

/** A published port: where the engine listens on the host, and the container port. */
export interface PortBinding {
  readonly hostIp: string | null;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
}


/** The syntax every port message quotes. */
export const PORT_SYNTAX = 'expected "host:container[/proto]" or "ip:host:container[/proto]"';

/** Stands for a placeholder while checking syntax; YAML text cannot hold a raw NUL. */
const MASK = '\u0000';

interface PortParts {
  readonly hostIp: string | null;
  readonly hostPort: string;
  readonly containerPort: string;
  readonly protocol: string;
}

/** Splits a binding into its parts; null when the shape is wrong. */
function splitPort(spec: string): PortParts | null {
  let rest = spec.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  let hostIp: string | null = null;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return null;
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (hostIp === null && parts.length === 3) hostIp = parts.shift() ?? null;
  const [hostPort, containerPort] = parts;
  if (parts.length !== 2 || hostPort === undefined || containerPort === undefined) return null;
  return { hostIp, hostPort, containerPort, protocol };
}

/** The problem with one part, or null; parts holding a placeholder are left for deploy time. */
function portProblem(text: string, what: string, lenient: boolean): string | null {
  if (lenient && text.includes(MASK)) return null;
  if (!/^\d{1,5}$/.test(text)) return `${what} port ${JSON.stringify(text)} is not a number`;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? null : `${what} port ${port} is outside 1-65535`;
}

function bindingProblem(parts: PortParts, lenient: boolean): string | null {
  const { hostIp, hostPort, containerPort, protocol } = parts;
  if (hostIp !== null && !(lenient && hostIp.includes(MASK)) && isIP(hostIp) === 0) {
    return `${JSON.stringify(hostIp)} is not an IP address`;
  }
  if (!(lenient && protocol.includes(MASK)) && protocol !== 'tcp' && protocol !== 'udp') {
    return `protocol ${JSON.stringify(protocol)} is not tcp or udp`;
  }
  return portProblem(hostPort, 'host', lenient) ?? portProblem(containerPort, 'container', lenient);
}

/**
 * Checks a binding that may still hold `${VAR}` placeholders; returns the problem or null.
 * A binding that is one placeholder as a whole can only be checked after substitution.
 */
export function checkPortSyntax(spec: string): string | null {
  const masked = maskVariables(spec, MASK);
  if (masked.replaceAll(MASK, '').trim() === '') return null;
  const parts = splitPort(masked);
  if (parts === null) return PORT_SYNTAX;
  return bindingProblem(parts, true);
}

/**
 * Parses a substituted binding for a deploy.
 * @throws InputError naming the binding when it is malformed or out of range.
 */
export function parsePortBinding(spec: string): PortBinding {
  const parts = splitPort(spec);
  const problem = parts === null ? PORT_SYNTAX : bindingProblem(parts, false);
  if (parts === null || problem !== null) {
    throw new InputError(`Invalid port binding ${JSON.stringify(spec)}: ${problem ?? PORT_SYNTAX}`);
  }
  return {
    hostIp: parts.hostIp,
    hostPort: Number(parts.hostPort),
    containerPort: Number(parts.containerPort),
    protocol: parts.protocol === 'udp' ? 'udp' : 'tcp',
  };
}
