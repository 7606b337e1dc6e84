/**
 * True in Firefox (Gecko). Specs use it only where Firefox's EME or Shaka's own Gecko branch
 * behaves differently by design, and say why next to the check.
 */
export const isFirefox: boolean = /\bFirefox\//.test(navigator.userAgent);
