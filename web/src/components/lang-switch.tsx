import { getLang, setLang, t } from '../i18n/index.ts';

/** Switches 中文 ⇄ English; the choice is remembered in this browser. */
export function LangSwitch() {
  return (
    <button type="button" class="link lang-switch" onClick={() => setLang(getLang() === 'zh' ? 'en' : 'zh')}>
      {t('app.otherLang')}
    </button>
  );
}
