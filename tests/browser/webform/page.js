// Renders form.xml with the vendored engine; the test reads window.webformTest.
import { renderXForm } from '/static/vendor/enketo/webform.js';

const violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
window.webformTest = { violations };

const xform = await (await fetch('form.xml')).text();
window.webformTest.handle = await renderXForm(document.getElementById('form'), xform);
document.body.dataset.state = 'ready';
