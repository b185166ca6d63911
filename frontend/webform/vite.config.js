import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const core = (path) => here(`./node_modules/enketo-core/${path}`);
const OUT_DIR = here('../../pollwatch/static/vendor/enketo');

/*
 * enketo-core sets `onsubmit="return false;"` on the form, an inline script the
 * Content-Security-Policy refuses; a listener does the same.
 */
function submitWithoutInlineHandler() {
  const inline = "this.view.$.attr('onsubmit', 'return false;');";
  return {
    name: 'submit-without-inline-handler',
    transform(code, id) {
      if (!id.endsWith('enketo-core/src/js/form.js')) return null;
      if (!code.includes(inline)) this.error('enketo-core changed: the onsubmit attribute is gone, drop this patch');
      return code.replace(inline, "this.view.html.addEventListener('submit', (event) => event.preventDefault());");
    },
  };
}

/*
 * enketo-transformer's stylesheet hides a few elements with `style="display:none;"`, which
 * the policy refuses wherever the markup is parsed (the XSLT result, the page, the copies
 * enketo-core makes of a repeat). The `hidden` attribute hides them without a style.
 */
function xsltWithoutStyleAttributes() {
  const replacements = [
    ['style="display:none;"', 'hidden="hidden"'],
    ['style="display: none;"', 'hidden="hidden"'],
    ['<xsl:attribute name="style">display:none;</xsl:attribute>', '<xsl:attribute name="hidden">hidden</xsl:attribute>'],
  ];
  return {
    name: 'xslt-without-style-attributes',
    transform(code, id) {
      if (!id.endsWith('enketo-transformer/dist/enketo-transformer/web/transformer.js')) return null;
      let patched = code;
      for (const [from, to] of replacements) patched = patched.replaceAll(from, to);
      if (/style="|<xsl:attribute name="style">/.test(patched)) this.error('enketo-transformer writes another style attribute: extend this patch');
      if (patched === code) this.error('enketo-transformer changed: no style attribute left to rewrite, drop this patch');
      return patched;
    },
  };
}

/*
 * Styles that come with a form (a label's `<span style="color:…">`) or a widget (the draw
 * widget's colour swatches) are written as data-inline-style, which src/webform.js applies
 * through the CSSOM; as style attributes the policy would refuse them.
 */
function contentStylesAsData() {
  const patches = [
    {
      file: 'enketo-transformer/dist/enketo-transformer/web/transformer.js',
      from: 'let rendered = markdownToHTML(original);',
      to: 'let rendered = markdownToHTML(original).replace(/(<[a-zA-Z][^<>]*?\\s)style=("[^"]*"|\'[^\']*\')/g, "$1data-inline-style=$2");',
    },
    {
      file: 'enketo-core/src/widget/draw/draw-widget.js',
      from: 'style="background: ${color};"',
      to: 'data-inline-style="background: ${color};"',
    },
  ];
  return {
    name: 'content-styles-as-data',
    transform(code, id) {
      const patch = patches.find((candidate) => id.endsWith(candidate.file));
      if (!patch) return null;
      if (!code.includes(patch.from)) this.error(`${patch.file} changed: "${patch.from}" is gone, update this patch`);
      return code.replace(patch.from, patch.to);
    },
  };
}

/*
 * jr:itext() in a calculation (src/xpath-evaluator-binding.js) needs the XForm's translations
 * at hand, and enketo-transformer's model leaves them out: its stylesheet copies the model's
 * instances only. It copies the model's <itext> after them too; enketo-core reads instances by
 * name, so an itext element beside them changes nothing else.
 */
function itextInModel() {
  const instances = '<xsl:apply-templates select="//xf:model/xf:instance" />';
  const itext = '<xsl:copy-of select="/h:html/h:head/xf:model/xf:itext" />';
  return {
    name: 'itext-in-model',
    transform(code, id) {
      if (!id.endsWith('enketo-transformer/dist/enketo-transformer/web/transformer.js')) return null;
      if (code.split(instances).length !== 2) this.error('enketo-transformer changed: its model stylesheet no longer copies the instances in one place, update this patch');
      if (code.includes(itext)) this.error('enketo-transformer now copies the itext into the model: drop this patch');
      return code.replace(instances, instances + itext);
    },
  };
}

/*
 * To send an instance without the questions that do not apply, enketo-core builds a second
 * model from the primary instance alone and adds its session instance to the first element
 * named `model`: with no model element that is a question named `model`, whose session child
 * then becomes the instance sent. The session goes into the document's root `<model>` only.
 */
function sessionInTheRootModel() {
  const from = "const model = this.xml.querySelector('model');";
  const to = "const model = this.xml.documentElement.nodeName === 'model' ? this.xml.documentElement : null;";
  return {
    name: 'session-in-the-root-model',
    transform(code, id) {
      if (!id.endsWith('enketo-core/src/js/form-model.js')) return null;
      if (code.split(from).length !== 2) this.error(`enketo-core changed: "${from}" is not in form-model.js once, update this patch`);
      return code.replace(from, to);
    },
  };
}

function packageRoot(file) {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json')) || !JSON.parse(readFileSync(join(dir, 'package.json'))).name) {
    dir = dirname(dir);
  }
  return dir;
}

function licenceText(dir) {
  const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying)/i.test(name));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : null;
}

/** NOTICE and LICENSES.txt: every package whose code is in the bundle, with its licence. */
function licences() {
  return {
    name: 'licences',
    generateBundle(_, bundle) {
      const roots = new Set();
      for (const chunk of Object.values(bundle)) {
        for (const id of Object.keys(chunk.modules ?? {})) {
          if (id.includes('node_modules')) roots.add(packageRoot(id.replace(/\?.*$/, '')));
        }
      }
      // Stylesheets, and the packages enketo-transformer's browser build carries inside itself.
      const inlined = ['enketo-core', 'leaflet', 'bootstrap-datepicker', 'language-tags', 'language-subtag-registry',
        'string-direction', 'css.escape', 'xpath-to-css'];
      for (const name of inlined) {
        if (existsSync(here(`./node_modules/${name}/package.json`))) roots.add(here(`./node_modules/${name}`));
      }
      const packages = [...roots].map((dir) => ({ dir, ...JSON.parse(readFileSync(join(dir, 'package.json'))) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const seen = new Set();
      const unique = packages.filter((p) => !seen.has(p.name) && seen.add(p.name));
      const lines = unique.map((p) => `${p.name} ${p.version} (${p.license ?? 'see licence text'})`);
      this.emitFile({
        type: 'asset',
        fileName: 'NOTICE',
        source: [
          'Enketo (enketo-core and enketo-transformer) built for pollwatch from these npm packages:',
          '',
          ...lines,
          '',
          'Their licence texts are in LICENSES.txt. Rebuild with `make webform-bundle`.',
          '',
        ].join('\n'),
      });
      this.emitFile({
        type: 'asset',
        fileName: 'LICENSES.txt',
        source: unique.map((p) => `== ${p.name} ${p.version} (${p.license ?? ''})\n\n${licenceText(p.dir) ?? `No licence file in the package; its package.json says: ${p.license}`}\n`).join('\n'),
      });
    },
  };
}

export default defineConfig({
  base: './',
  publicDir: false,
  plugins: [
    submitWithoutInlineHandler(), xsltWithoutStyleAttributes(), contentStylesAsData(), itextInModel(),
    sessionInTheRootModel(), licences(),
  ],
  resolve: {
    alias: [
      // enketo-core's stylesheets import a dependency by a path of enketo's own monorepo.
      { find: /^\/packages\/enketo-core\/node_modules\//, replacement: here('./node_modules/') },
      { find: 'enketo/config', replacement: here('./src/config.js') },
      { find: 'enketo/widgets', replacement: core('src/js/widgets.js') },
      { find: 'enketo/translator', replacement: core('src/js/fake-translator.js') },
      { find: 'enketo/dialog', replacement: core('src/js/fake-dialog.js') },
      { find: 'enketo/file-manager', replacement: core('src/js/file-manager.js') },
      // enketo-core's evaluator with jr:itext().
      { find: 'enketo/xpath-evaluator-binding', replacement: here('./src/xpath-evaluator-binding.js') },
    ],
  },
  css: {
    preprocessorOptions: {
      scss: { quietDeps: true, silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'mixed-decls', 'slash-div'] },
    },
  },
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    sourcemap: false,
    minify: true,
    cssCodeSplit: false,
    // Fonts and images as files: a data: font is refused by font-src 'self'.
    assetsInlineLimit: 0,
    rollupOptions: {
      input: here('./src/webform.js'),
      preserveEntrySignatures: 'exports-only',
      output: {
        // enketo-core finds its widgets by their class names.
        keepNames: true,
        entryFileNames: 'webform.js',
        chunkFileNames: '[name].js',
        assetFileNames: (asset) => (asset.names?.[0]?.endsWith('.css') ? 'webform.css' : '[name][extname]'),
      },
    },
  },
});
