// The inspector pages' messages, merged into the app's dictionaries by i18n/zh.ts and i18n/en.ts.
export const zh = {
  'nav.inspector.home': '首页',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'nav.inspector.home': 'Home',
};
