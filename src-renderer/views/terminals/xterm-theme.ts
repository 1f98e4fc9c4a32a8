// The xterm theme from the app's CSS variables, so terminals follow the light/dark switch.
import type { ITheme } from '@xterm/xterm';

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'brightBlack', 'brightRed', 'brightGreen', 'brightYellow', 'brightBlue', 'brightMagenta', 'brightCyan', 'brightWhite'] as const;

export function themeFromCss(style: CSSStyleDeclaration = getComputedStyle(document.documentElement)): ITheme {
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const theme: ITheme = {
    background: v('--log-bg', '#101318'),
    foreground: v('--fg', '#e6e9ef'),
    cursor: v('--accent', '#6ea0ff'),
    cursorAccent: v('--log-bg', '#101318'),
    selectionBackground: v('--accent-soft', '#1e2f4d'),
    selectionForeground: v('--fg', '#e6e9ef'),
  };
  NAMES.forEach((n, i) => {
    const c = style.getPropertyValue(`--ansi-${i}`).trim();
    if (c) theme[n] = c;
  });
  return theme;
}
