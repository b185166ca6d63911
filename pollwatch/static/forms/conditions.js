/*
 * The expression language of pollwatch form conditions and cross-field checks,
 * evaluated in the browser exactly as pollwatch/forms/conditions.py evaluates it
 * on the server. Both are tested against tests/forms/condition_cases.json.
 *
 * In a page: <script src="conditions.js"></script> defines the global
 * PollwatchConditions. Under node: require("./conditions.js").
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.PollwatchConditions = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var MISSING = { missing: true };
  var COMPARISONS = ["eq", "ne", "gt", "ge", "lt", "le"];

  function isMissing(value) {
    return (
      value === undefined || value === null || value === MISSING || value === "" ||
      (Array.isArray(value) && value.length === 0)
    );
  }

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  function isScalar(value) {
    return isNumber(value) || typeof value === "string";
  }

  function scalarsEqual(left, right) {
    if (isNumber(left) && isNumber(right)) return left === right;
    if (typeof left === "string" && typeof right === "string") return left === right;
    return false;
  }

  function compare(op, left, right) {
    if (isMissing(left) || isMissing(right) || !isScalar(left) || !isScalar(right)) return false;
    if (op === "eq") return scalarsEqual(left, right);
    if (op === "ne") return !scalarsEqual(left, right);
    var sameKind = (isNumber(left) && isNumber(right)) ||
      (typeof left === "string" && typeof right === "string");
    if (!sameKind) return false;
    if (op === "gt") return left > right;
    if (op === "ge") return left >= right;
    if (op === "lt") return left < right;
    return left <= right;
  }

  function answerOf(answers, code) {
    var value = Object.prototype.hasOwnProperty.call(answers, code) ? answers[code] : undefined;
    return isMissing(value) ? MISSING : value;
  }

  function evaluateTerm(term, answers) {
    if (term.op === "sum") {
      var total = 0;
      for (var i = 0; i < term.args.length; i++) {
        var value = evaluateTerm(term.args[i], answers);
        if (!isNumber(value)) return MISSING;
        total += value;
      }
      return total;
    }
    if (Object.prototype.hasOwnProperty.call(term, "q")) return answerOf(answers, term.q);
    return term.value;
  }

  function evaluateIn(expr, answers) {
    var answer = answerOf(answers, expr.q);
    if (answer === MISSING) return false;
    var items = Array.isArray(answer) ? answer : [answer];
    return items.some(function (item) {
      return expr.values.some(function (value) { return scalarsEqual(item, value); });
    });
  }

  function evaluateSelected(expr, answers) {
    var answer = answerOf(answers, expr.q);
    if (Array.isArray(answer)) {
      return answer.some(function (item) { return scalarsEqual(item, expr.value); });
    }
    return scalarsEqual(answer, expr.value);
  }

  function evaluate(expr, answers) {
    var op = expr.op;
    if (op === "and") return expr.args.every(function (arg) { return evaluate(arg, answers); });
    if (op === "or") return expr.args.some(function (arg) { return evaluate(arg, answers); });
    if (op === "not") return !evaluate(expr.arg, answers);
    if (op === "answered") return answerOf(answers, expr.q) !== MISSING;
    if (COMPARISONS.indexOf(op) >= 0) {
      if (Object.prototype.hasOwnProperty.call(expr, "q")) {
        return compare(op, answerOf(answers, expr.q), expr.value);
      }
      return compare(op, evaluateTerm(expr.left, answers), evaluateTerm(expr.right, answers));
    }
    if (op === "in") return evaluateIn(expr, answers);
    if (op === "selected") return evaluateSelected(expr, answers);
    throw new Error("unknown operator " + JSON.stringify(op));
  }

  function references(expr) {
    var found = [];
    var pending = [expr];
    while (pending.length) {
      var node = pending.shift();
      if (Object.prototype.hasOwnProperty.call(node, "q") && found.indexOf(node.q) < 0) {
        found.push(node.q);
      }
      var children = (node.args || []).slice();
      ["arg", "left", "right"].forEach(function (key) {
        if (node[key] !== undefined) children.push(node[key]);
      });
      pending = children.concat(pending);
    }
    return found;
  }

  return {
    evaluate: evaluate,
    evaluateTerm: evaluateTerm,
    references: references,
    isMissing: isMissing,
    MISSING: MISSING,
  };
});
