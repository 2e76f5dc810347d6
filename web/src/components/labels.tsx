// HJ 1276 labels. The label routes want the bearer token, which a plain link cannot send: the page
// fetches them with it and shows the SVG, or opens the PDF, from a blob: URL.
import { useEffect, useState } from 'preact/hooks';
import { blobUrl, labels } from '../api.ts';
import { useAction } from '../hooks.ts';
import { t } from '../i18n/index.ts';
import { ProblemBox } from './ui.tsx';

export function PrintLabels({ ids, text }: { ids: string[]; text: string }) {
  const action = useAction();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const print = () =>
    action.run(async () => {
      const u = await blobUrl(labels.pdfPath(ids));
      setUrl(u);
      window.open(u, '_blank', 'noopener');
    });
  return (
    <span class="print-labels">
      <button type="button" disabled={ids.length === 0 || action.busy} onClick={print}>
        {text}
      </button>
      {url && (
        <a class="pdf-link" href={url} target="_blank" rel="noopener">
          {t('unit.pdfLink')}
        </a>
      )}
      <ProblemBox error={action.error} />
    </span>
  );
}

export function LabelPreview({ unitId, version }: { unitId: string; version: number }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    let made: string | null = null;
    blobUrl(labels.svgPath(unitId)).then(
      (u) => {
        made = u;
        setUrl(u);
      },
      setError,
    );
    return () => void (made && URL.revokeObjectURL(made));
  }, [unitId, version]);
  return (
    <div class="label-preview">
      <ProblemBox error={error} />
      {url && <img class="label-svg" src={url} alt={t('unit.label')} />}
    </div>
  );
}
