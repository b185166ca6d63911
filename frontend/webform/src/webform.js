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

/** Enketo's external instance from an attachment's text: CSV becomes `<root><item>…`. */
export function externalInstance(id, name, text) {
  const xml = name.toLowerCase().endsWith('.csv') ? csvDocument(text) : new DOMParser().parseFromString(text, 'text/xml');
  return { id, xml };
}

function csvDocument(text) {
  const [header = [], ...rows] = parseCsv(text);
  const doc = document.implementation.createDocument(null, 'root');
  for (const row of rows) {
    const item = doc.createElement('item');
    header.forEach((column, index) => {
      const cell = doc.createElement(column.trim());
      cell.textContent = row[index] ?? '';
      item.appendChild(cell);
    });
    doc.documentElement.appendChild(item);
  }
  return doc;
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

/**
 * Render a transformed form into `element`.
 *
 * options.instance: an instance XML to edit (a draft); options.external: instances from
 * attachments (see externalInstance); options.session: deviceid, username, … for preloads;
 * options.language: the reader's language code, shown when the form has labels in it.
 */
export function renderTransformed(element, { form: formHtml, model }, options = {}) {
  element.innerHTML = formHtml;
  const formElement = element.querySelector('form.or');
  const form = new Form(formElement, {
    modelStr: model,
    instanceStr: options.instance ?? null,
    external: options.external ?? [],
    session: options.session ?? {},
  }, { language: options.language });
  const loadErrors = form.init();
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
