// SPDX-License-Identifier: Apache-2.0
// The check page's proof of work (docs/api.md): the ALTCHA widget in its strict-CSP build, with its SHA
// worker served from our own origin and its strings in Kyrgyz and Russian. Without JavaScript the page
// still works, for a few checks an hour.
import "./build/altcha/altcha.min.js";
import "./build/altcha/ru.js";

const worker = new URL("./build/altcha/sha-worker.js", import.meta.url);
globalThis.$altcha.algorithms.set("SHA-256", () => new Worker(worker));
// The logo and the footer are hidden; their strings name the widget's maker in Latin letters, which a
// Kyrgyz or Russian page does not show.
globalThis.$altcha.i18n.set("ru", {
  ...globalThis.$altcha.i18n.get("ru"),
  ariaLinkLabel: "Сайт виджета проверки",
  footer: "",
});
globalThis.$altcha.i18n.set("ky", {
  ...globalThis.$altcha.i18n.get("ru"),
  ariaLinkLabel: "Текшерүү виджетинин сайты",
  error: "Текшерүү ишке ашкан жок. Кийинчерээк кайталаңыз.",
  expired: "Текшерүүнүн мөөнөтү бүттү. Кайра аракет кылыңыз.",
  footer: "",
  label: "Мен робот эмесмин",
  loading: "Жүктөлүүдө...",
  reload: "Кайра жүктөө",
  verify: "Текшерүү",
  verificationRequired: "Текшерүү керек!",
  verified: "Текшерилди",
  verifying: "Текшерилүүдө...",
  waitAlert: "Текшерилүүдө... Күтө туруңуз.",
  cancel: "Жокко чыгаруу",
});
