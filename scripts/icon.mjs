// npm run icon — renders media/icon.svg to the 128×128 PNG the marketplace needs, with headless Chromium.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('/usr/bin/chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--default-background-color=00000000',
  `--screenshot=${join(root, 'media', 'icon.png')}`, '--window-size=128,128', `file://${join(root, 'media', 'icon.svg')}`,
], { stdio: 'ignore' });
console.log('media/icon.png written');
