/**
 * Traditional → simplified for the characters of command keywords, the words principals use
 * around their figures (參加 請假 通知 家長 …) and common school-name words, so `報平安`,
 * `學習 50人參加`, `匯總` work. Free text (an abnormal report's description)
 * is kept as typed; only what we match against is folded.
 */
const TRADITIONAL: Record<string, string> = {
  報: "报", 學: "学", 習: "习", 匯: "汇", 總: "总", 銷: "销", 幫: "帮", 異: "异", 狀: "状",
  態: "态", 歷: "历", 導: "导", 應: "应", 實: "实", 請: "请", 題: "题", 專: "专", 醫: "医",
  號: "号", 電: "电", 話: "话", 訊: "讯", 簡: "简", 書: "书", 長: "长", 會: "会", 訪: "访",
  東: "东", 區: "区", 關: "关", 縣: "县", 鎮: "镇", 鄉: "乡", 線: "线", 級: "级", 國: "国",
  開: "开", 發: "发", 華: "华", 嶺: "岭", 灣: "湾", 莊: "庄", 園: "园", 陽: "阳", 雲: "云",
  橋: "桥", 龍: "龙", 鳳: "凤", 興: "兴", 寧: "宁", 豐: "丰", 聯: "联", 廣: "广", 單: "单",
  們: "们", 無: "无", 還: "还", 時: "时", 間: "间", 週: "周", 這: "这", 個: "个", 點: "点",
  塊: "块", 員: "员", 師: "师", 課: "课", 經: "经", 過: "过", 處: "处", 傷: "伤", 撥: "拨",
  將: "将", 達: "达", 覽: "览", 載: "载", 補: "补", 錄: "录", 調: "调", 數: "数", 齊: "齐",
  標: "标", 準: "准", 勵: "励", 驗: "验", 體: "体", 復: "复", 頁: "页",
  參: "参", 頭: "头", 沒: "没", 職: "职", 為: "为", 麼: "么", 嗎: "吗", 謝: "谢", 領: "领",
  當: "当", 況: "况", 檢: "检", 詢: "询", 結: "结", 統: "统", 計: "计", 項: "项", 刪: "删",
  後: "后", 裡: "里", 裏: "里", 門: "门", 積: "积", 緊: "紧", 係: "系", 簽: "签", 與: "与",
  來: "来", 兩: "两", 萬: "万", 說: "说", 議: "议", 組: "组", 織: "织", 辦: "办", 務: "务",
  護: "护", 風: "风", 設: "设", 讀: "读", 黨: "党", 屆: "届", 衛: "卫", 於: "于", 傳: "传",
  執: "执", 蓋: "盖", 場: "场", 幾: "几", 網: "网", 畢: "毕", 確: "确", 認: "认", 聽: "听",
  給: "给", 燒: "烧", 歲: "岁", 內: "内", 遊: "游", 險: "险", 規: "规", 範: "范", 貫: "贯",
  徹: "彻", 類: "类", 隊: "队", 戶: "户", 屬: "属",
};

/** Simplified form of a string, character by character, for the folded keyword set. */
export function toSimplified(text: string): string {
  let out = "";
  for (const ch of text) out += TRADITIONAL[ch] ?? ch;
  return out;
}

/** A keyword or a word of a declaration as the folded text is matched against: NFKC, simplified, lower case. */
export function foldWord(word: string): string {
  return toSimplified(word.normalize("NFKC")).toLowerCase();
}
