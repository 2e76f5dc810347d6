// The operator pages' messages, merged into the app's dictionaries by i18n/zh.ts and i18n/en.ts.
export const zh = {
  'nav.operator.home': '首页',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'nav.operator.home': 'Home',
};
