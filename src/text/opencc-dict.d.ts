/** OpenCC's character table as opencc-js ships it: "繁 简" pairs joined by "|". */
declare module "opencc-js/dict/TSCharacters" {
  const pairs: string;
  export default pairs;
}
