// The phone's camera as a QR reader: frames from the back camera, decoded in the page by jsQR
// (bundled, loaded only when the camera opens: no network, and nothing to download before).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/index.ts';

/** Frames are scaled down to this width before decoding: enough for a label at arm's length. */
const WIDTH = 640;
const EVERY_MS = 150;

export function Camera({ onCode, onClose }: { onCode: (text: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const report = useRef(onCode);
  report.current = onCode;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new Error(t('driver.camera.none'));
        const [{ default: jsQR }, s] = await Promise.all([
          import('jsqr'),
          navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }),
        ]);
        stream = s;
        if (stopped) return s.getTracks().forEach((tr) => tr.stop());
        const v = video.current!;
        v.srcObject = s;
        await v.play();
        setReady(true);
        const canvas = document.createElement('canvas');
        const g = canvas.getContext('2d', { willReadFrequently: true })!;
        let last = '';
        let lastAt = 0;
        const tick = () => {
          if (stopped) return;
          if (v.videoWidth > 0) {
            const scale = Math.min(1, WIDTH / v.videoWidth);
            canvas.width = Math.round(v.videoWidth * scale);
            canvas.height = Math.round(v.videoHeight * scale);
            g.drawImage(v, 0, 0, canvas.width, canvas.height);
            const code = jsQR(g.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { inversionAttempts: 'dontInvert' });
            // The same label stays in view for a while: report it once, not every frame.
            if (code?.data && (code.data !== last || Date.now() - lastAt > 3000)) {
              last = code.data;
              lastAt = Date.now();
              report.current(code.data);
            }
          }
          timer = setTimeout(tick, EVERY_MS);
        };
        tick();
      } catch (e) {
        if (!stopped) setProblem((e as Error).message || String(e));
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, []);

  return (
    <div class="driver-camera">
      <video ref={video} muted playsInline class={ready ? 'live' : ''} />
      {!ready && !problem && <p class="muted">{t('driver.camera.starting')}</p>}
      {problem && (
        <div class="problem" role="alert">
          {t('driver.camera.failed')} <div class="problem-detail">{problem}</div>
        </div>
      )}
      <button type="button" class="big" onClick={onClose}>
        {t('driver.camera.close')}
      </button>
    </div>
  );
}
