import { useState } from 'preact/hooks';

interface CopyButtonProps {
  readonly text: string;
  readonly label: string;
  /** The field holding `text`, selected when the clipboard cannot be written (plain HTTP). */
  readonly fallbackInputId: string;
}

async function copy(text: string, fallbackInputId: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // The Clipboard API needs a secure context; plain HTTP on a LAN address has none.
    const input = document.getElementById(fallbackInputId);
    if (!(input instanceof HTMLInputElement)) return false;
    input.focus();
    input.select();
    return document.execCommand('copy');
  }
}

/** Copies `text` and says so in a live region. */
export function CopyButton({ text, label, fallbackInputId }: CopyButtonProps) {
  const [result, setResult] = useState<string>('');
  return (
    <>
      <button
        type="button"
        class="button-primary"
        onClick={async () => {
          setResult((await copy(text, fallbackInputId)) ? 'Copied to the clipboard.' : 'Copying failed: the key is selected, press Ctrl+C (⌘C).');
        }}
      >
        {label}
      </button>
      <span class="copy-result" role="status">
        {result}
      </span>
    </>
  );
}
