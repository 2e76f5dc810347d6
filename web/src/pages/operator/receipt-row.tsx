// One drum in the receipt: scanned or not, its weighing (typed, or the scale's latest reading)
// against the producer's, and the decision: accept, or refuse with a reason and a discrepancy type.
import { Field, UnitState, value } from '../../components/ui.tsx';
import { fmtKg, t } from '../../i18n/index.ts';
import type { Unit } from '../../types.ts';
import { netOf, type Weights } from './scan.ts';

export interface Choice {
  accept: boolean;
  reason: string;
  discrepancy: '' | 'quantity' | 'type';
}

/** Beyond this share of the producer's net weight (or 2 kg), the difference is flagged, as the finding rule would. */
const TOLERANCE = 0.03;

function Difference({ unit, net }: { unit: Unit; net: number | null }) {
  if (net === null || unit.netKg === null) return null;
  const diff = net - Number(unit.netKg);
  const flagged = Math.abs(diff) > Math.max(2, TOLERANCE * Number(unit.netKg));
  return <span class={`diff${flagged ? ' warning' : ''}`}>{`${diff >= 0 ? '+' : '−'}${fmtKg(Math.abs(diff).toFixed(3))}`}</span>;
}

export function ReceiptRow(props: {
  unit: Unit;
  scanned: boolean;
  weights: Weights;
  choice: Choice;
  scaleKg?: string;
  onWeights(w: Weights): void;
  onChoice(c: Choice): void;
}) {
  const { unit, scanned, weights, choice } = props;
  const net = netOf(weights);
  return (
    <tr data-unit={unit.id} class={`${scanned ? 'scanned' : 'unscanned'}${choice.accept ? '' : ' refusing'}`}>
      <td>
        <div class="mono">{unit.hjCode}</div>
        <small class="muted">
          {unit.name} · {unit.wasteCode} · <UnitState state={unit.state} />
        </small>
      </td>
      <td class="scan-mark">{scanned ? `✓ ${t('op.receive.scanned')}` : t('op.receive.notScanned')}</td>
      <td class="num">{fmtKg(unit.netKg)}</td>
      <td class="weigh">
        <input name="grossKg" aria-label={t('unit.gross')} inputMode="decimal" placeholder={t('op.receive.gross')} value={weights.gross} onInput={(e) => props.onWeights({ ...weights, gross: value(e) })} />
        <input name="tareKg" aria-label={t('unit.tare')} inputMode="decimal" placeholder={t('op.receive.tare')} value={weights.tare} onInput={(e) => props.onWeights({ ...weights, tare: value(e) })} />
        {props.scaleKg && (
          <button type="button" class="link use-scale" onClick={() => props.onWeights({ ...weights, gross: props.scaleKg! })}>
            {t('op.receive.useScale', { kg: fmtKg(props.scaleKg) })}
          </button>
        )}
      </td>
      <td class="num net">
        {net === null ? '—' : fmtKg(net.toFixed(3))} <Difference unit={unit} net={net} />
      </td>
      <td class="decide">
        <select name="decision" value={choice.accept ? 'accept' : 'refuse'} onChange={(e) => props.onChoice({ ...choice, accept: value(e) === 'accept' })}>
          <option value="accept">{t('op.receive.accept')}</option>
          <option value="refuse">{t('op.receive.refuse')}</option>
        </select>
        {!choice.accept && (
          <>
            <Field label={t('op.receive.reason')}>
              <input name="reason" maxLength={300} value={choice.reason} onInput={(e) => props.onChoice({ ...choice, reason: value(e) })} />
            </Field>
            <Field label={t('op.receive.discrepancy')}>
              <select name="discrepancy" value={choice.discrepancy} onChange={(e) => props.onChoice({ ...choice, discrepancy: value(e) as Choice['discrepancy'] })}>
                <option value="">{t('app.pick')}</option>
                <option value="quantity">{t('op.discrepancy.quantity')}</option>
                <option value="type">{t('op.discrepancy.type')}</option>
              </select>
            </Field>
          </>
        )}
      </td>
    </tr>
  );
}
