// The driver pages' messages, merged into the app's dictionaries by i18n/zh.ts and i18n/en.ts.
export const zh = {
  'nav.driver.home': '首页',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'nav.driver.home': 'Home',
};
