// Only the Bootstrap Icons Kefu's pages use: the icon font cut to those glyphs and a style sheet
// with their classes (134 KB of font and 87 KB of CSS otherwise, on every first visit).
// An icon is "used" when its name follows `bi-` in a template or script, or is a quoted string
// in Python (sidebar items, workbench cards and timeline events name theirs in code).
// Usage: node scripts/assets/subset-icons.mjs <dest dir>   (run by scripts/build-assets.sh)
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import subsetFont from "subset-font";

const dest = process.argv[2];
const font = "node_modules/bootstrap-icons/font";
const codes = JSON.parse(readFileSync(`${font}/bootstrap-icons.json`, "utf8"));

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!["vendor", "node_modules", "__pycache__", "migrations"].includes(entry.name)) yield* sources(path);
    } else if (/\.(html|js|py)$/.test(entry.name)) {
      yield path;
    }
  }
}

const used = new Set();
for (const path of sources("kefu")) {
  const text = readFileSync(path, "utf8");
  for (const match of text.matchAll(/\bbi-([a-z0-9-]+)/g)) used.add(match[1]);
  if (path.endsWith(".py")) for (const match of text.matchAll(/["']([a-z0-9]+(?:-[a-z0-9]+)*)["']/g)) used.add(match[1]);
}
const names = [...used].filter((name) => name in codes).sort();

const woff2 = await subsetFont(readFileSync(`${font}/fonts/bootstrap-icons.woff2`),
  names.map((name) => String.fromCodePoint(codes[name])).join(""), { targetFormat: "woff2" });
mkdirSync(`${dest}/fonts`, { recursive: true });
writeFileSync(`${dest}/fonts/bootstrap-icons.woff2`, woff2);

// The package's own rules, with the font-face pointing at the cut font and one rule per icon used.
const css = readFileSync(`${font}/bootstrap-icons.css`, "utf8");
const head = css.slice(css.indexOf(".bi::before"), css.indexOf(".bi-123::before"));
const rules = names.map((name) => `.bi-${name}::before{content:"\\${codes[name].toString(16)}"}`).join("\n");
writeFileSync(`${dest}/bootstrap-icons.min.css`,
  "/* Bootstrap Icons v1.13.1 (MIT), cut to the icons Kefu uses by scripts/assets/subset-icons.mjs */\n"
  + '@font-face{font-display:block;font-family:"bootstrap-icons";src:url("fonts/bootstrap-icons.woff2") format("woff2")}\n'
  + head.replace(/\s+/g, " ").trim() + "\n" + rules + "\n");
console.log(`bootstrap-icons: ${names.length} of ${Object.keys(codes).length} icons, ${woff2.length} bytes of font`);
