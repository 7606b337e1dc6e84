/**
 * What the services' own error codes mean, for `explain()`: every code a
 * built-in preset's error rules map has its documented meaning here (a spec
 * fails when one lacks it), keyed by the preset's name (`KeyflowError.provider`).
 * Sources: ExpressPlay, the "Event Error Codes" of Intertrust's token API
 * reference (Adobe Primetime `…/license-token-req-resp-ref/*`); DoveRunner,
 * PallyCon's "License Error Code" page (pallycon-docs-v3); drm.cloud, its
 * "License acquisition error codes" as the preset's page quotes them (where
 * only a group is described, the group's words).
 *
 * @module
 */

/** Documented meanings of the services' codes, by preset name, then code (as text). */
export const vendorCodeMeanings = (): Readonly<Record<string, Readonly<Record<string, string>>>> => ({
  expressplay: {
    '-4010': 'Invalid token.',
    '-2019': 'Insufficient tokens available (the ExpressPlay account).',
    '-2031': 'Service account disabled.',
    '-7011': 'Widevine option disabled for this account.',
    '-5002': 'PlayReady option disabled for this account.',
    '-6009': 'FairPlay option disabled for this account.',
    '-6006': 'Service not authorized for FairPlay support.',
    '-7008': 'Failed to generate the Widevine license.',
    '-6004': 'Failed to generate the CKC for FairPlay.',
  },
  doverunner: {
    '1002': 'Trial plan’s license limit or user limit exceeded.',
    '1004': "The Site ID's service is stopped.",
    '1005': 'Trial plan period ended.',
    '7007': 'Failed to parse pallycon-customdata.',
    '7008': 'Failed to decrypt pallycon-customdata.',
    '7009': 'Failed to parse token.',
    '7010': 'Cannot find token data.',
    '7011': 'Token is expired.',
    '7012': "Does not match with token's CID.",
    '7013': 'Invalid JSON data in token.',
    '7016': 'Invalid token.',
    '7018': 'Invalid DRM type in token.',
    '7019': 'The hash values do not match.',
    '7104': 'This Site ID does not have Widevine service.',
    '7107': 'Invalid Widevine license challenge data.',
    '7205': 'Failed to parse PlayReady request data.',
    '7301': 'This Site ID does not have FairPlay Streaming service.',
    '7305': 'FairPlay Streaming SPC value is null.',
    '7317': 'FairPlay SPC data is invalid.',
    '8002': 'Custom error from your callback page for user authentication.',
    '8710': 'Start of playback period has not come yet.',
    '8711': 'Playback period is over.',
    '9001': 'Missing request parameter.',
  },
  drmcloud: {
    drm_3031: 'The UserToken is not valid or has expired.',
    drm_3032: 'The UserToken’s signature is invalid.',
    drm_3035: 'The UserToken was refused (drm.cloud’s token errors).',
    drm_3036: 'The UserToken is not valid.',
    drm_3037: 'The UserToken was refused (drm.cloud’s token errors).',
    drm_3039: 'The one-time token (nonce) was already used.',
    drm_4002: 'The license request payload is missing.',
    drm_4003: 'The license request payload could not be parsed.',
    drm_4005: 'The BrandGuid is invalid or its configuration is missing.',
    drm_3100: 'A drm.cloud server error.',
  },
});
