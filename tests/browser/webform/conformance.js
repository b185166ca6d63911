// Loads an instance into a fresh form and says whether the engine finds it valid.
import { renderXForm } from '/static/vendor/enketo/webform.js';

let handle = null;
window.conformance = {
  async check(xform, instance) {
    const container = document.getElementById('form');
    if (handle) { handle.destroy(); }
    container.replaceChildren();
    handle = await renderXForm(container, xform, { instance });
    return { loadErrors: handle.loadErrors, valid: await handle.validate() };
  },
};
document.body.dataset.state = 'ready';
