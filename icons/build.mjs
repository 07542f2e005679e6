// Makes the catalog's brand icons from the npm package `simple-icons` (CC0): for each monogram
// in `public/icons` whose brand simple-icons has, a tile in the brand's colour with the mark
// in whichever of black or white reads on it (WCAG contrast), written to `public/icons/brand`.
// Portico serves a brand icon in place of its monogram when there is one; an app simple-icons
// does not have (or an org's own app) keeps its monogram.
//
// node icons/build.mjs
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as simpleIcons from 'simple-icons';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const monograms = path.join(root, 'public', 'icons');
const out = path.join(monograms, 'brand');

const bySlug = new Map(
  Object.values(simpleIcons)
    .filter((icon) => icon && typeof icon === 'object' && 'slug' in icon)
    .map((icon) => [icon.slug, icon]),
);

/// WCAG relative luminance of `#rrggbb`.
function luminance(hex) {
  const channel = (i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let made = 0;
for (const file of readdirSync(monograms).filter((name) => name.endsWith('.svg'))) {
  const icon = bySlug.get(file.replace(/\.svg$/, '').replace(/-/g, ''));
  if (!icon) continue;
  const ink = luminance(icon.hex) > 0.179 ? '#000000' : '#ffffff';
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" role="img" ' +
    `aria-label="${escape(icon.title)}">` +
    `<rect width="48" height="48" rx="12" fill="#${icon.hex}"/>` +
    `<path transform="translate(12 12)" fill="${ink}" d="${escape(icon.path)}"/></svg>\n`;
  writeFileSync(path.join(out, file), svg);
  made += 1;
}
writeFileSync(path.join(out, 'LICENSE.txt'),
  'Brand icons from simple-icons (https://simpleicons.org), CC0-1.0. Brands are their owners\' trademarks.\n');
console.log(`icons: ${made} brand icons from simple-icons into ${path.relative(root, out)}`);
