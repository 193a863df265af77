import { useEffect, useRef } from 'preact/hooks';
import type { CreatedApiKey } from '../api/api-types.js';
import { CopyButton } from '../components/copy-button.js';

interface CreatedKeyPanelProps {
  readonly apiKey: CreatedApiKey;
  /** Forgets the key: after this the UI cannot show it again, nor can the host. */
  readonly onDone: () => void;
}

/** Step 4 of the seed: the full key, shown this once, with a copy button and the warning. */
export function CreatedKeyPanel({ apiKey, onDone }: CreatedKeyPanelProps) {
  const keyInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    keyInput.current?.focus();
    keyInput.current?.select();
  }, []);
  return (
    <section class="panel created-key" aria-labelledby="created-key-title">
      <h2 id="created-key-title">API key "{apiKey.name}" created</h2>
      <p class="notice notice-warning" role="alert">
        <strong>Copy the key now: it will not be shown again.</strong> rsgo keeps only a hash of it. Store it as a secret in your CI/CD
        system (e.g. an Azure DevOps variable group or a GitHub secret).
      </p>
      <label for="created-key">API key</label>
      <div class="copy-row">
        <input id="created-key" class="mono" readonly value={apiKey.fullKey} ref={keyInput} spellcheck={false} autocomplete="off" />
        <CopyButton text={apiKey.fullKey} label="Copy key" fallbackInputId="created-key" />
      </div>
      <p class="hint">
        Pipelines send it in the <code>X-Api-Key</code> header, e.g. <code>curl -sf -X POST "$RSGO_URL/api/hooks/redeploy" -H "X-Api-Key: $RSGO_API_KEY"</code>.
      </p>
      <div class="button-row">
        <button type="button" class="button-secondary" onClick={onDone}>
          Done, I have copied the key
        </button>
      </div>
    </section>
  );
}
