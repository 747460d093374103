// SPDX-License-Identifier: Apache-2.0
// response_mode=form_post: send the authorization answer back to the service at once.
document.getElementById("form-post-answer").submit();
