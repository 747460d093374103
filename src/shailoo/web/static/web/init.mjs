// SPDX-License-Identifier: Apache-2.0
// Progressive enhancement only: every page works without JavaScript. With it, GOV.UK Frontend moves focus
// to the error summary and notification banners, and a form cannot be sent twice by a double click.
import { initAll } from "./build/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
