/*
 * Enketo's XPath evaluator (enketo-core's own binding, which exists to be replaced) with the
 * one function of the ODK XForms specification it lacks in calculations: jr:itext(id), the
 * text of that id in the form's current language, as ODK's engines give it. A form names a
 * choice's text this way, `jr:itext(instance('list')/root/item[name = ${q}]/itextId)`.
 *
 * The translations are the XForm's own `<itext>`, which the build keeps in the model
 * (vite.config.js); src/webform.js tells the model which of them is the current language.
 */
import OpenRosaXPath from 'openrosa-xpath-evaluator';

function childrenNamed(element, name) {
  return [...element.children].filter((child) => child.localName === name);
}

/** The translation of the model's itext in `language` (the XForm's name of it), else the default, else the first. */
function translationFor(modelDoc, language) {
  const itext = childrenNamed(modelDoc.documentElement, 'itext')[0];
  const translations = itext ? childrenNamed(itext, 'translation') : [];
  return translations.find((translation) => translation.getAttribute('lang') === language)
    ?? translations.find((translation) => translation.hasAttribute('default'))
    ?? translations[0];
}

/** The text's plain value: the `<value>` without a form (image, audio, … are other forms); '' when there is none. */
function itextOf(model, id) {
  const translation = translationFor(model.xml, model.itextLanguage?.());
  const text = translation && childrenNamed(translation, 'text').find((element) => element.getAttribute('id') === id);
  const value = text && childrenNamed(text, 'value').find((element) => !element.hasAttribute('form'));
  return value ? value.textContent : '';
}

export default function bindJsEvaluator() {
  const evaluator = OpenRosaXPath();
  const model = this;
  evaluator.customXPathFunction.add('jr:itext', {
    fn: (id) => itextOf(model, id),
    args: [{ t: 'string' }],
    ret: 'string',
  });
  this.xml.jsEvaluate = evaluator.evaluate;
}
