// Copy the front-end assets Bovenwater serves from npm packages into the Django static
// folder (src/bovenwater/static/vendor/, not committed). Run by `make` after `npm ci`.
import { copyFileSync, mkdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "src", "bovenwater", "static", "vendor");

const files = [
  ["@utrecht/design-tokens/dist/theme.css", "utrecht/design-tokens.css"],
  ["@utrecht/component-library-css/dist/index.css", "utrecht/component-library.css"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["htmx-ext-sse/dist/sse.min.js", "htmx/sse.min.js"],
  ["htmx-ext-ws/dist/ws.min.js", "htmx/ws.min.js"],
  ["vega/build/vega.min.js", "vega/vega.min.js"],
  ["vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"],
  ["vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"],
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"],
];

for (const [source, destination] of files) {
  const from = join(here, "node_modules", source);
  if (!existsSync(from)) {
    console.error(`Missing ${source}: run "npm ci" in frontend/ first.`);
    process.exit(1);
  }
  const to = join(target, destination);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
writeFileSync(join(target, ".built-stamp"), new Date().toISOString() + "\n");
console.log(`Front-end assets copied to ${target}`);
