// enketo-core's settings for pollwatch. No map tiles: a tile server is another origin,
// which the Content-Security-Policy refuses and an offline device cannot reach; the
// geopoint widget still takes the phone's position and typed coordinates.
export default {
  experimentalOptimizations: { computeAsync: false },
  excludeNonRelevant: false,
  maps: [{ name: 'none', tiles: ['data:image/gif;base64,R0lGODlhAQABAAAAACw='], attribution: '' }],
  googleApiKey: '',
  repeatOrdinals: false,
  validateContinuously: false,
  validatePage: true,
  swipePage: false,
  textMaxChars: 2000,
};
