// A gate camera's picture: the route wants the bearer token, so it is fetched and shown from a blob: URL.
import { useEffect, useState } from 'preact/hooks';
import { blobUrl } from '../../api.ts';
import { ProblemBox } from '../../components/ui.tsx';
import { t } from '../../i18n/index.ts';
import { gate } from './api.ts';

export function GatePicture({ sha256, plate }: { sha256: string; plate: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    let made: string | null = null;
    blobUrl(gate.picturePath(sha256)).then((u) => {
      made = u;
      setUrl(u);
    }, setError);
    return () => void (made && URL.revokeObjectURL(made));
  }, [sha256]);
  return (
    <figure class="gate-picture">
      <ProblemBox error={error} />
      {url && <img src={url} alt={t('op.gate.picture', { plate })} data-sha256={sha256} />}
    </figure>
  );
}
