// What the page gets for the `global/window` package, which @videojs/vhs-utils (under m3u8-parser) imports: the window
// itself, as an ES module. The package is CommonJS exporting `window`, and esbuild's CommonJS interop then copies every
// property of window onto a module namespace, a getter each: ~200 ms of the page's main thread (the profile's largest
// item) before the player could open its socket. scripts/build-client.ts points the import here.
export default globalThis
