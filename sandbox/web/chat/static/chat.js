// The Teams-like web chat: plays the Teams client against the sandbox's channel. Cards are
// rendered by Microsoft's adaptivecards package with Teams' host config, at card version 1.5.
"use strict";

const CARD = "application/vnd.microsoft.card.adaptive";
const md = window.markdownit({ linkify: true, breaks: true });
const $ = (id) => document.getElementById(id);
const state = { directory: null, hostConfig: null, conversation: null, me: null, stream: null };
// The language the "Teams client" runs in, sent with each activity as Teams does: ?locale=de-DE,
// else the browser's.
state.locale = new URLSearchParams(location.search).get("locale") || navigator.language || "en-US";

AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = md.render(text);
  result.didProcess = true;
};

async function api(method, path, body) {
  const response = await fetch(`/chat/api${path}`, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify({ ...body, locale: state.locale }) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error((data.error && data.error.message) || `HTTP ${response.status}`);
  }
  return data;
}

function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 8000);
}

function option(select, value, label) {
  const el = document.createElement("option");
  el.value = value;
  el.textContent = label;
  select.appendChild(el);
}

function fillUsers() {
  const tenant = state.directory.tenants.find((t) => t.id === $("tenant").value);
  $("user").replaceChildren();
  for (const user of tenant ? tenant.users : []) {
    const roles = user.roles.length ? ` (${user.roles.join(", ")})` : "";
    option($("user"), user.upn, `${user.name} – ${user.upn}${roles}`);
  }
}

async function init() {
  const [directory, hostConfig] = await Promise.all([
    api("GET", "/directory"),
    fetch("/chat/vendor/teams-host-config.json").then((r) => r.json()),
  ]);
  state.directory = directory;
  state.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
  for (const tenant of directory.tenants) option($("tenant"), tenant.id, `${tenant.name} (${tenant.domain})`);
  for (const bot of directory.bots) option($("bot"), bot.app_id, bot.name);
  const query = new URLSearchParams(location.search);
  if (query.get("tenant")) $("tenant").value = query.get("tenant");
  fillUsers();
  if (query.get("user")) $("user").value = query.get("user");
  if (query.get("bot")) $("bot").value = query.get("bot");
  if (query.get("kind")) $("kind").value = query.get("kind");
  $("tenant").addEventListener("change", fillUsers);
  $("open").addEventListener("click", () => openConversation().catch((e) => toast(e.message)));
  $("compose").addEventListener("submit", (event) => {
    event.preventDefault();
    send().catch((e) => toast(e.message));
  });
  $("uninstall").addEventListener("click", () => uninstall().catch((e) => toast(e.message)));
  document.body.dataset.ready = "true";
}

async function openConversation() {
  if (state.stream) state.stream.close();
  const opened = await api("POST", "/conversations", {
    tenant: $("tenant").value,
    user: $("user").value,
    bot: $("bot").value,
    kind: $("kind").value,
  });
  state.conversation = opened.id;
  state.me = opened.me;
  $("title").textContent = opened.kind === "channel" ? `# ${opened.name}` : opened.name;
  $("messages").replaceChildren();
  for (const activity of opened.activities) show(activity);
  for (const delivery of opened.deliveries) report(delivery);
  const url = `/chat/api/conversations/${encodeURIComponent(opened.id)}/events?user=${encodeURIComponent(opened.me.id)}`;
  state.stream = new EventSource(url);
  state.stream.onopen = () => { $("status").textContent = "Connected"; document.body.dataset.live = "true"; };
  state.stream.onerror = () => { $("status").textContent = "Reconnecting…"; };
  state.stream.onmessage = (event) => {
    const pushed = JSON.parse(event.data);
    if (pushed.kind === "delete") {
      const el = document.querySelector(`.message[data-id="${pushed.id}"]`);
      if (el) el.remove();
    } else {
      show(pushed.activity, pushed.kind === "update");
    }
  };
  for (const el of [$("text"), $("send")]) el.disabled = false;
  $("uninstall").hidden = false;
  $("text").focus();
}

function report(delivery) {
  if (delivery.status >= 300) {
    toast(delivery.error || `The app answered ${delivery.status}`);
  }
}

function show(activity, updated = false) {
  let el = document.querySelector(`.message[data-id="${activity.id}"]`);
  const fresh = !el;
  if (fresh) {
    el = document.createElement("div");
    el.dataset.id = activity.id;
  }
  el.className = `message ${activity.fromBot ? "bot" : "mine"}${updated ? " updated" : ""}`;
  el.replaceChildren();
  const meta = document.createElement("div");
  meta.className = "meta";
  const when = activity.timestamp ? new Date(activity.timestamp).toLocaleTimeString() : "";
  meta.textContent = `${activity.name || (activity.fromBot ? "App" : "You")} ${when}`;
  el.appendChild(meta);
  if (activity.text) {
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    if (activity.fromBot && activity.textFormat !== "plain") bubble.innerHTML = md.render(activity.text);
    else bubble.replaceChildren(...withMentions(activity.text));
    el.appendChild(bubble);
  }
  for (const attachment of activity.attachments || []) {
    if (attachment.contentType === CARD) el.appendChild(renderCard(attachment.content, activity.id));
  }
  if (fresh) {
    $("messages").appendChild(el);
    el.scrollIntoView({ block: "end" });
  }
}

// A channel message carries its @mention as <at>Name</at> in the text; Teams shows the name
// highlighted, never the markup. Built as nodes, so typed text is never read as HTML.
function withMentions(text) {
  const nodes = [];
  let last = 0;
  for (const found of text.matchAll(/<at>(.*?)<\/at>/g)) {
    nodes.push(document.createTextNode(text.slice(last, found.index)));
    const mention = document.createElement("span");
    mention.className = "mention";
    mention.textContent = `@${found[1]}`;
    nodes.push(mention);
    last = found.index + found[0].length;
  }
  nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function renderCard(json, activityId) {
  const holder = document.createElement("div");
  holder.className = "card";
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = state.hostConfig;
  card.onExecuteAction = (action) => act(action, activityId).catch((e) => toast(e.message));
  // Teams renders cards up to version 1.5; newer elements are dropped with a warning.
  const context = new AdaptiveCards.SerializationContext(AdaptiveCards.Versions.v1_5);
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) console.warn("card:", context.getEventAt(i).message);
  const rendered = card.render();
  if (rendered) holder.appendChild(rendered);
  return holder;
}

async function act(action, activityId) {
  if (action instanceof AdaptiveCards.OpenUrlAction) {
    window.open(action.url, "_blank", "noopener");
  } else if (action instanceof AdaptiveCards.ExecuteAction) {
    const answer = await api("POST", `/conversations/${encodeURIComponent(state.conversation)}/actions`, {
      user: state.me.id,
      activityId,
      action: { id: action.id, verb: action.verb, data: action.data || {} },
    });
    const { status, body, error } = answer.delivery;
    if (status !== 200) {
      toast(error || `Something went wrong (${status}). Please try again.`);
    } else if (body && body.type === "application/vnd.microsoft.activity.message") {
      toast(String(body.value));
    } else if (body && body.statusCode && body.statusCode >= 400) {
      toast((body.value && body.value.message) || `The app answered ${body.statusCode}`);
    }
  } else if (action instanceof AdaptiveCards.SubmitAction) {
    const answer = await api("POST", `/conversations/${encodeURIComponent(state.conversation)}/messages`, {
      user: state.me.id,
      text: "",
      value: action.data || {},
      activityId,
    });
    report(answer.delivery);
  }
}

async function send() {
  const text = $("text").value;
  if (!text.trim()) return;
  $("text").value = "";
  const answer = await api("POST", `/conversations/${encodeURIComponent(state.conversation)}/messages`, {
    user: state.me.id,
    text,
  });
  report(answer.delivery);
}

async function uninstall() {
  await api("POST", `/conversations/${encodeURIComponent(state.conversation)}/uninstall`, { user: state.me.id });
  if (state.stream) state.stream.close();
  for (const el of [$("text"), $("send")]) el.disabled = true;
  $("uninstall").hidden = true;
  $("status").textContent = "App removed";
}

init().catch((e) => toast(`The chat could not start: ${e.message}`));
