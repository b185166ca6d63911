/*
 * The XForm engine pollwatch serves to browsers: Enketo (enketo-transformer turns the XForm
 * into an HTML form and a model; enketo-core runs it). Built (vite.config.js) so that it runs
 * under the application's Content-Security-Policy: no inline styles, no inline scripts.
 */
import { transform } from 'enketo-transformer/web';
import { Form } from 'enketo-core';
import './webform.scss';

const XFORMS = 'http://www.w3.org/2002/xforms';

/**
 * The HTML form and XML model of an XForm. Needs the browser's XSLTProcessor.
 *
 * media maps the file names of the form's attachments (`jr://images/logo.png` → `logo.png`)
 * to the URLs they are served from; an attachment left out stays a `jr://` address.
 */
export async function transformXForm(xform, media = {}) {
  const { form, model, languageMap } = await transform({ xform, markdown: true, media });
  return { form, model, languageMap };
}

/** The instances an XForm loads from attachments (`<instance src="jr://file-csv/...">`). */
export function attachmentNames(xform) {
  const doc = new DOMParser().parseFromString(xform, 'text/xml');
  return [...doc.getElementsByTagNameNS(XFORMS, 'instance')]
    .filter((instance) => instance.getAttribute('src'))
    .map((instance) => ({ id: instance.getAttribute('id'), name: instance.getAttribute('src').split('/').pop() }));
}

/**
 * Enketo's external instance from an attachment's text: CSV and GeoJSON become
 * `<root><item>…` as the ODK XForms specification has them read; XML is taken as it is.
 */
export function externalInstance(id, name, text) {
  const lower = name.toLowerCase();
  let xml;
  if (lower.endsWith('.csv')) xml = csvDocument(text);
  else if (lower.endsWith('.geojson')) xml = geojsonDocument(text);
  else xml = new DOMParser().parseFromString(text, 'text/xml');
  return { id, xml };
}

function appendChildText(parent, name, text) {
  const child = parent.ownerDocument.createElement(name);
  child.textContent = text;
  parent.appendChild(child);
}

function csvDocument(text) {
  const [header = [], ...rows] = parseCsv(text);
  const doc = document.implementation.createDocument(null, 'root');
  for (const row of rows) {
    const item = doc.createElement('item');
    header.forEach((column, index) => appendChildText(item, column.trim(), row[index] ?? ''));
    doc.documentElement.appendChild(item);
  }
  return doc;
}

/*
 * A GeoJSON FeatureCollection as the ODK XForms specification reads it: an item per
 * feature, a child per property that is not null, the feature's own id (which wins over
 * an id property) as `id`, and its geometry in ODK's notation as `geometry`.
 */
function geojsonDocument(text) {
  const collection = JSON.parse(text);
  const doc = document.implementation.createDocument(null, 'root');
  for (const feature of collection.features ?? []) {
    const item = doc.createElement('item');
    const ownId = feature.id ?? null;
    for (const [name, value] of Object.entries(feature.properties ?? {})) {
      if (value !== null && !(name === 'id' && ownId !== null)) appendChildText(item, name, String(value));
    }
    if (ownId !== null) appendChildText(item, 'id', String(ownId));
    appendChildText(item, 'geometry', odkGeometry(feature.geometry));
    doc.documentElement.appendChild(item);
  }
  return doc;
}

/** A Point as a geopoint, a LineString as a geotrace, a Polygon's outer ring as a geoshape. */
function odkGeometry(geometry) {
  const point = ([longitude, latitude, altitude = 0]) => `${latitude} ${longitude} ${altitude} 0`;
  switch (geometry?.type) {
    case 'Point': return point(geometry.coordinates);
    case 'LineString': return geometry.coordinates.map(point).join('; ');
    case 'Polygon': return (geometry.coordinates[0] ?? []).map(point).join('; ');
    default: return '';
  }
}

function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') { cell += '"'; i += 1; }
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { row.push(cell); cell = ''; }
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += char;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows.filter((r) => r.some((c) => c !== ''));
}

/*
 * The build writes the styles that come with a form or a widget as data-inline-style
 * (see vite.config.js); set through the CSSOM they are allowed. Repeats and widgets add
 * such elements after the form has started, so the form is watched for them.
 */
function applyInlineStyles(root) {
  const nodes = [...root.querySelectorAll('[data-inline-style]')];
  if (root.hasAttribute?.('data-inline-style')) nodes.push(root);
  for (const node of nodes) {
    node.style.cssText = node.getAttribute('data-inline-style');
    node.removeAttribute('data-inline-style');
  }
}

function keepApplyingInlineStyles(formElement) {
  applyInlineStyles(formElement);
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      mutation.addedNodes.forEach((node) => node.nodeType === Node.ELEMENT_NODE && applyInlineStyles(node));
    }
  });
  observer.observe(formElement, { childList: true, subtree: true });
  return observer;
}

/*
 * ODK's `uri:` properties (`uri:deviceid`, `uri:username`, …) are the session's values
 * written as URIs, as ODK Collect gives them. Enketo reads a property preload as a path
 * into its session instance, where `uri:` is a namespace prefix it cannot resolve, and
 * the form stops starting; these preloads are taken from Enketo and filled here.
 * The device id is already of the form `host:random`, as Enketo Express makes it.
 */
const URI_PREFIXES = {
  deviceid: '',
  username: 'username:',
  email: 'mailto:',
  phonenumber: 'tel:',
  simserial: 'simserial:',
  subscriberid: 'imsi:',
};

function takeUriPreloads(formElement) {
  const taken = [];
  for (const control of formElement.querySelectorAll('[data-preload="property" i][data-preload-params]')) {
    const property = /^uri:(\w+)$/i.exec(control.dataset.preloadParams.trim())?.[1].toLowerCase();
    if (property === undefined) continue;
    control.removeAttribute('data-preload');
    taken.push({ control, property });
  }
  return taken;
}

function fillUriPreloads(form, taken, session) {
  for (const { control, property } of taken) {
    const value = session[property];
    if (!value || !(property in URI_PREFIXES)) continue;
    const node = form.model.node(form.input.getName(control), 0);
    // A draft keeps the value it was saved with.
    if (node.getElements().length && node.getVal() === '') {
      node.setVal(URI_PREFIXES[property] + value, form.input.getXmlType(control));
    }
  }
}

/*
 * jr:itext() in a calculation (src/xpath-evaluator-binding.js) looks the text up in the
 * XForm's translations, named as the XForm names them ("English (en)"); the form shows its
 * languages by their tags ("en"), and the transformer's languageMap links the two where
 * they differ. Before the form has chosen its language, calculations take the reader's.
 */
function xformLanguage(tag, languageMap) {
  return Object.entries(languageMap).find(([, mapped]) => mapped === tag)?.[0] ?? tag;
}

/**
 * Render a transformed form (what transformXForm gives) into `element`.
 *
 * options.instance: an instance XML to edit (a draft); options.external: instances from
 * attachments (see externalInstance); options.session: deviceid, username, … for preloads
 * (the `uri:` forms of these too); options.language: the reader's language code, shown
 * when the form has labels in it.
 */
export function renderTransformed(element, { form: formHtml, model, languageMap = {} }, options = {}) {
  element.innerHTML = formHtml;
  const formElement = element.querySelector('form.or');
  // A form styled as pages is shown as one list: Enketo's pages need navigation
  // controls around the form, and a question on an unseen page is easily missed.
  formElement.classList.remove('pages');
  const session = options.session ?? {};
  const uriPreloads = takeUriPreloads(formElement);
  const form = new Form(formElement, {
    modelStr: model,
    instanceStr: options.instance ?? null,
    external: options.external ?? [],
    session: { ...session },
  }, { language: options.language });
  form.model.itextLanguage = () => xformLanguage(form.langs.currentLanguage ?? options.language, languageMap);
  const loadErrors = form.init();
  fillUriPreloads(form, uriPreloads, session);
  const styles = keepApplyingInlineStyles(formElement);
  return {
    form,
    loadErrors,
    /** The instance XML as it stands, valid or not. */
    instanceXml: () => form.getDataStr(),
    /** Validates every relevant question and marks the invalid ones; resolves to true or false. */
    validate: () => form.validate(),
    /** Calls back after every change of a value. */
    onChange: (callback) => formElement.addEventListener('xforms-value-changed', callback),
    /** Calls back when a question is found invalid. */
    onInvalid: (callback) => formElement.addEventListener('invalidated', callback),
    destroy: () => {
      styles.disconnect();
      element.replaceChildren();
    },
  };
}

/** Transform an XForm in the browser and render it into `element`. */
export async function renderXForm(element, xform, options = {}) {
  return renderTransformed(element, await transformXForm(xform, options.media), options);
}
