// Reads {"name": card, ...} from the JSON file named on the command line and prints, as JSON,
// what Microsoft's adaptivecards renderer (the web chat's version) makes of each card with
// Teams' light and dark host configs: {"renderer": version, "cards": {name: {problems, text}}}.
// A problem is anything it would tell a developer: a parse or validation event, a property it
// dropped, a version other than 1.5, a console message or an exception while rendering.
"use strict";

const fs = require("node:fs");
const { JSDOM, VirtualConsole } = require("jsdom");

const TARGET = "1.5";
const HOST_CONFIGS = ["microsoft-teams-light", "microsoft-teams-dark"];

function browser(messages) {
  const virtualConsole = new VirtualConsole();
  for (const level of ["log", "info", "warn", "error", "jsdomError"]) {
    virtualConsole.on(level, (...args) => messages.push(`console.${level}: ${args.map(String).join(" ")}`));
  }
  const dom = new JSDOM("<!doctype html><html><body></body></html>", {
    runScripts: "outside-only",
    pretendToBeVisual: true,
    virtualConsole,
  });
  const { window } = dom;
  // jsdom has no innerText, which the renderer writes text runs through (a browser turns "\n"
  // into <br>; textContent keeps it, which is enough to read the text back).
  Object.defineProperty(window.HTMLElement.prototype, "innerText", {
    configurable: true,
    get() { return this.textContent; },
    set(value) { this.textContent = value; },
  });
  // The same two scripts the web chat page loads, run inside the page as a browser would.
  window.eval(fs.readFileSync(require.resolve("markdown-it/dist/markdown-it.js"), "utf8"));
  window.eval(fs.readFileSync(require.resolve("adaptivecards/dist/adaptivecards.js"), "utf8"));
  return window;
}

function hostConfig(name) {
  const file = require.resolve(`adaptivecards-designer/lib/hostConfigs/${name}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

// Every key path of `given` whose value the renderer did not give back when serializing the
// card it parsed: unknown or misspelt properties, values of the wrong type, newer features.
function dropped(given, back, where, out) {
  if (Array.isArray(given)) {
    if (!Array.isArray(back)) return out.push(`${where} was not understood`);
    given.forEach((item, i) => dropped(item, back[i], `${where}[${i}]`, out));
  } else if (given !== null && typeof given === "object") {
    if (back === null || typeof back !== "object") return out.push(`${where} was not understood`);
    for (const key of Object.keys(given)) {
      // A renderer that knows Action.Execute never reads its fallback (checked separately).
      if (key === "fallback" && given.type === "Action.Execute") continue;
      if (!(key in back)) out.push(`${where}.${key} was dropped`);
      else dropped(given[key], back[key], `${where}.${key}`, out);
    }
  } else if (given !== back && !(typeof given === "string" && typeof back === "string"
    && given.toLowerCase() === back.toLowerCase())) {
    out.push(`${where} is ${JSON.stringify(back)}, not ${JSON.stringify(given)}`);
  }
  return out;
}

// `json` as a client without Universal Actions sees it: each Action.Execute is its fallback.
function withFallbacks(json) {
  if (Array.isArray(json)) return json.map(withFallbacks);
  if (json === null || typeof json !== "object") return json;
  if (json.type === "Action.Execute" && json.fallback) return withFallbacks(json.fallback);
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, withFallbacks(v)]));
}

// One client: Teams' host config `config`, with or without Universal Actions.
function check(window, json, config, universal, messages) {
  const AC = window.AdaptiveCards;
  const problems = [];
  const event = (e) => `${AC.ValidationEvent[e.event]}: ${e.message}`;
  const card = new AC.AdaptiveCard();
  card.hostConfig = new AC.HostConfig(config);
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  if (!universal) {
    const actions = new AC.CardObjectRegistry();
    AC.GlobalRegistry.populateWithDefaultActions(actions);
    actions.unregister("Action.Execute");
    context.setActionRegistry(actions);
  }
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    // Such a client is expected to meet Action.Execute and fall back; nothing else.
    const expected = !universal && e.event === AC.ValidationEvent.UnknownActionType
      && e.message.includes('"Action.Execute"');
    if (!expected) problems.push(`parse: ${event(e)}`);
  }
  for (const e of card.validateProperties().validationEvents) problems.push(`validate: ${event(e)}`);
  const back = card.toJSON(new AC.SerializationContext(AC.Versions.v1_5));
  // msteams is Teams' own extension, outside the Adaptive Card object model.
  const { msteams, ...known } = universal ? json : withFallbacks(json);
  for (const message of dropped(known, back, "card", [])) problems.push(`round trip: ${message}`);
  let text = "";
  try {
    const element = card.render();
    if (!element) problems.push("render: nothing rendered");
    else text = element.textContent;
  } catch (error) {
    problems.push(`render: ${error.stack || error}`);
  }
  problems.push(...messages.splice(0).map((m) => `render: ${m}`));
  return { problems, text };
}

function main() {
  const cards = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const messages = [];
  const window = browser(messages);
  const configs = HOST_CONFIGS.map((name) => [name, hostConfig(name)]);
  const atLoad = messages.splice(0);
  const results = {};
  for (const [name, json] of Object.entries(cards)) {
    const problems = [...atLoad];
    if (!json || json.type !== "AdaptiveCard") problems.push(`type is ${json && json.type}`);
    // The renderer accepts any version and only drops what it does not know: Teams renders
    // nothing newer than 1.5, so a card must say 1.5.
    if (!json || json.version !== TARGET) problems.push(`version is ${json && json.version}`);
    const texts = {};
    for (const [configName, config] of configs) {
      for (const universal of [true, false]) {
        const client = `${configName}${universal ? "" : " without Action.Execute"}`;
        const result = check(window, json, config, universal, messages);
        problems.push(...result.problems.map((p) => `${client}: ${p}`));
        texts[client] = result.text;
      }
    }
    results[name] = { problems, text: texts[HOST_CONFIGS[0]] };
  }
  const version = require("adaptivecards/package.json").version;
  process.stdout.write(JSON.stringify({ renderer: `adaptivecards ${version}`, cards: results }));
}

main();
