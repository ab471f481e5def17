// A documented synthetic non-Latin catalog: the superstore benchmark split with its category path
// and its most frequent title words (office furniture, supplies, technology) replaced by Chinese or
// Arabic equivalents from this small hand-written dictionary. Brand names, model numbers and rare
// words stay in Latin script, as on real Chinese/Arabic marketplaces. Prices and splits are unchanged,
// so the rows compare directly with superstore's.
export const TRANSLATIONS: Record<string, { zh: string; ar: string }> = {
  'office supplies': { zh: '办公用品', ar: 'لوازم مكتبية' }, furniture: { zh: '家具', ar: 'أثاث' }, technology: { zh: '科技', ar: 'تكنولوجيا' },
  bookcases: { zh: '书柜', ar: 'خزائن كتب' }, bookcase: { zh: '书柜', ar: 'خزانة كتب' }, chairs: { zh: '椅子', ar: 'كراسي' }, chair: { zh: '椅子', ar: 'كرسي' },
  furnishings: { zh: '家居饰品', ar: 'مفروشات' }, tables: { zh: '桌子', ar: 'طاولات' }, table: { zh: '桌子', ar: 'طاولة' },
  appliances: { zh: '电器', ar: 'أجهزة' }, art: { zh: '美术用品', ar: 'أدوات فنية' }, binders: { zh: '活页夹', ar: 'ملفات حلقية' }, binder: { zh: '活页夹', ar: 'ملف حلقي' },
  envelopes: { zh: '信封', ar: 'مظاريف' }, envelope: { zh: '信封', ar: 'مظروف' }, fasteners: { zh: '紧固件', ar: 'مثبتات' }, labels: { zh: '标签', ar: 'ملصقات' }, label: { zh: '标签', ar: 'ملصق' },
  paper: { zh: '纸张', ar: 'ورق' }, storage: { zh: '收纳', ar: 'تخزين' }, supplies: { zh: '用品', ar: 'مستلزمات' }, accessories: { zh: '配件', ar: 'ملحقات' },
  copiers: { zh: '复印机', ar: 'آلات نسخ' }, copier: { zh: '复印机', ar: 'آلة نسخ' }, machines: { zh: '机器', ar: 'آلات' }, machine: { zh: '机器', ar: 'آلة' }, phones: { zh: '电话', ar: 'هواتف' }, phone: { zh: '电话', ar: 'هاتف' },
  headset: { zh: '耳机', ar: 'سماعة رأس' }, printer: { zh: '打印机', ar: 'طابعة' }, stapler: { zh: '订书机', ar: 'دباسة' }, pens: { zh: '笔', ar: 'أقلام' }, pencils: { zh: '铅笔', ar: 'أقلام رصاص' },
  markers: { zh: '记号笔', ar: 'أقلام تحديد' }, box: { zh: '盒', ar: 'صندوق' }, boxes: { zh: '盒子', ar: 'صناديق' }, file: { zh: '文件', ar: 'ملف' }, files: { zh: '文件', ar: 'ملفات' }, folders: { zh: '文件夹', ar: 'مجلدات' },
  cabinet: { zh: '柜', ar: 'خزانة' }, shelf: { zh: '架子', ar: 'رف' }, desk: { zh: '书桌', ar: 'مكتب' }, lamp: { zh: '台灯', ar: 'مصباح' }, clock: { zh: '时钟', ar: 'ساعة' }, frame: { zh: '相框', ar: 'إطار' },
  mouse: { zh: '鼠标', ar: 'فأرة' }, keyboard: { zh: '键盘', ar: 'لوحة مفاتيح' }, cable: { zh: '线缆', ar: 'كابل' }, charger: { zh: '充电器', ar: 'شاحن' }, case: { zh: '保护套', ar: 'غطاء' }, speaker: { zh: '音箱', ar: 'مكبر صوت' },
  fax: { zh: '传真', ar: 'فاكس' }, scanner: { zh: '扫描仪', ar: 'ماسح ضوئي' }, calculator: { zh: '计算器', ar: 'آلة حاسبة' }, scissors: { zh: '剪刀', ar: 'مقص' }, tape: { zh: '胶带', ar: 'شريط لاصق' },
  clips: { zh: '夹子', ar: 'مشابك' }, notebook: { zh: '笔记本', ar: 'دفتر' }, wireless: { zh: '无线', ar: 'لاسلكي' }, black: { zh: '黑色', ar: 'أسود' }, white: { zh: '白色', ar: 'أبيض' }, blue: { zh: '蓝色', ar: 'أزرق' },
  red: { zh: '红色', ar: 'أحمر' }, office: { zh: '办公', ar: 'مكتبي' }, round: { zh: '圆形', ar: 'دائري' }, conference: { zh: '会议', ar: 'اجتماعات' }, executive: { zh: '行政', ar: 'تنفيذي' }, ring: { zh: '环', ar: 'حلقة' },
  heavy: { zh: '重型', ar: 'ثقيل' }, duty: { zh: '耐用', ar: 'متين' }, letter: { zh: '信纸', ar: 'رسالة' }, legal: { zh: '法律尺寸', ar: 'قانوني' }, cover: { zh: '封面', ar: 'غلاف' }, bag: { zh: '包', ar: 'حقيبة' },
  cart: { zh: '推车', ar: 'عربة' }, fan: { zh: '风扇', ar: 'مروحة' }, heater: { zh: '取暖器', ar: 'مدفأة' }, microwave: { zh: '微波炉', ar: 'ميكروويف' }, refrigerator: { zh: '冰箱', ar: 'ثلاجة' },
  shredder: { zh: '碎纸机', ar: 'آلة تمزيق' }, vacuum: { zh: '吸尘器', ar: 'مكنسة' }, wood: { zh: '木', ar: 'خشب' }, steel: { zh: '钢', ar: 'فولاذ' }, metal: { zh: '金属', ar: 'معدن' }, plastic: { zh: '塑料', ar: 'بلاستيك' },
  color: { zh: '彩色', ar: 'ملون' }, laser: { zh: '激光', ar: 'ليزر' }, inkjet: { zh: '喷墨', ar: 'نافث للحبر' }, printers: { zh: '打印机', ar: 'طابعات' }, card: { zh: '卡', ar: 'بطاقة' }, cards: { zh: '卡片', ar: 'بطاقات' },
  holder: { zh: '支架', ar: 'حامل' }, organizer: { zh: '整理器', ar: 'منظم' }, stand: { zh: '支架', ar: 'حامل' }, light: { zh: '灯', ar: 'ضوء' }, bulb: { zh: '灯泡', ar: 'لمبة' }, ink: { zh: '墨水', ar: 'حبر' },
  smartphone: { zh: '智能手机', ar: 'هاتف ذكي' }, bluetooth: { zh: '蓝牙', ar: 'بلوتوث' }, memory: { zh: '内存', ar: 'ذاكرة' }, usb: { zh: 'USB', ar: 'USB' }, drive: { zh: '驱动器', ar: 'محرك' }, flash: { zh: '闪存', ar: 'فلاش' },
  rack: { zh: '架', ar: 'حامل' }, carpet: { zh: '地毯', ar: 'سجادة' }, mat: { zh: '垫', ar: 'حصيرة' }, series: { zh: '系列', ar: 'سلسلة' }, with: { zh: '带', ar: 'مع' }, and: { zh: '和', ar: 'و' }, for: { zh: '用于', ar: 'لـ' },
  pack: { zh: '包装', ar: 'عبوة' }, set: { zh: '套', ar: 'طقم' }, sheets: { zh: '张', ar: 'أوراق' }, hanging: { zh: '悬挂', ar: 'معلق' }, wall: { zh: '墙', ar: 'حائط' }, stacking: { zh: '可叠放', ar: 'قابل للتكديس' },
};

/** Replaces dictionary words (whole words, case-insensitive; two-word entries first) in a title or a category path. */
export function translate(text: string, language: 'zh' | 'ar'): string {
  let out = text;
  const entries = Object.entries(TRANSLATIONS).sort((a, b) => b[0].length - a[0].length);
  for (const [english, t] of entries) out = out.replace(new RegExp(`(?<![\\p{L}])${english}(?![\\p{L}])`, 'giu'), t[language]);
  return out;
}
