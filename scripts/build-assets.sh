#!/usr/bin/env bash
# Copy the front-end packages pinned in package-lock.json into kefu/static/vendor.
# Two are cut to what the pages use (issue 22, light pages): the icon font and its style sheet
# to the icons named in kefu/ (scripts/assets/subset-icons.mjs), and ECharts to the chart types
# drawn (scripts/assets/echarts-kefu.js, bundled with esbuild). axe-core stays in node_modules:
# only the browser tests load it.
set -euo pipefail
dest=kefu/static/vendor
rm -rf "$dest" && mkdir -p "$dest"/{bootstrap,bootstrap-icons,htmx,echarts}
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$dest/bootstrap/"
node scripts/assets/subset-icons.mjs "$dest/bootstrap-icons"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
node_modules/.bin/esbuild scripts/assets/echarts-kefu.js --bundle --minify --format=iife --target=es2018 \
  --legal-comments=none --log-level=warning --outfile="$dest/echarts/echarts.kefu.min.js"
