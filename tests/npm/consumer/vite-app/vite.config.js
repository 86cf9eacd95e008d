// No plugin and no special option: the package works with Vite's defaults.
export default {};
