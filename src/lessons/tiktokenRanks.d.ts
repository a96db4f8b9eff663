// The rank tables are exposed only through package.json "exports", which the extension's
// moduleResolution ("node") does not read; esbuild and Node resolve them at build and run time.
declare module 'js-tiktoken/ranks/r50k_base' {
  const ranks: import('js-tiktoken/lite').TiktokenBPE;
  export default ranks;
}
declare module 'js-tiktoken/ranks/cl100k_base' {
  const ranks: import('js-tiktoken/lite').TiktokenBPE;
  export default ranks;
}
declare module 'js-tiktoken/ranks/o200k_base' {
  const ranks: import('js-tiktoken/lite').TiktokenBPE;
  export default ranks;
}
