"""Words the simulated district is written in: names, roads, products, findings, violations.

Vocabulary only: how often each thing happens (rates, mixes, effects of risk, seasonality) lives in params.yaml.
The exceptions are the relative weights of words within one list (which failed item of a product, which ID area)
kept next to the words. Lists are ordered and indexed by position, so that a seed always draws the same words.
"""

# Common surnames, most frequent first; weights fall off roughly like the real distribution in Chongqing.
SURNAMES = list(
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易"
    "常武乔贺赖龚文冉向幸牟"
)
GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志宏德文辉鹏飞俊波斌宇浩凯鑫琴梅"
    "丹萍燕雪琳晨欣怡佳颖婷倩蓉川渝江海林森春秋兵成福贵荣兴云龙"
)

# Two-character trade names are drawn as one word from each list (渝 + 味 → 渝味).
BRAND_FIRST = list("渝巴蜀嘉江山鑫金福顺恒隆盛德泰和家乐鸿锦华兴瑞祥康佳友诚信美")
BRAND_SECOND = list("味香源丰悦满园坊苑居轩阁堂记府缘道宴汇邦禾")

# Place words for schools and cooperatives.
PLACES = ["观音桥", "华新", "五里店", "江北城", "石马河", "大石坝", "寸滩", "铁山坪", "郭家沱", "鱼嘴", "复盛",
          "五宝", "鲤鱼池", "嘉陵", "洋河", "溉澜溪", "唐家桥", "港城", "两路口", "猫儿石"]  # fmt: skip
SCHOOLS = ["小学", "实验小学", "中学", "实验中学", "幼儿园", "职业技术学校"]
ORG_KINDS = [
    "实业有限公司",
    "科技有限公司",
    "物流有限公司",
    "机械制造有限公司",
    "建设工程有限公司",
    "汽车零部件有限公司",
]
COOP_PRODUCTS = ["蔬菜种植", "生猪养殖", "粮油", "水产养殖", "家禽养殖", "果蔬"]

# Real-ish roads per street (DOMAIN.md Part I §2), in the order of foodcredit.operators.models.STREETS.
ROADS: dict[str, list[str]] = {
    "观音桥街道": ["建新北路", "建新南路", "建新东路", "建新西路", "洋河一路", "洋河二路", "北城天街", "观音桥步行街",
                   "嘉陵一村", "嘉陵三村", "鲤鱼池四村", "松石支路", "东原路"],
    "华新街街道": ["华新街", "北城路", "北城三路", "鸿恩路", "鸿恩三路", "兴隆路", "华新村"],
    "五里店街道": ["五红路", "五简路", "红黄路", "渝鲁大道", "石子山路", "五里店正街", "江北区港安路"],
    "江北城街道": ["江北城西大街", "江北城南大街", "江北城东大街", "庆云路", "北滨一路", "金沙路"],
    "石马河街道": ["石马河路", "南桥寺路", "红石路", "盘溪路", "兴竹路", "大庆村"],
    "大石坝街道": ["大石坝正街", "大石坝一村", "大石坝五村", "石门路", "红石支路", "马家岩路"],
    "寸滩街道": ["寸滩路", "寸滩正街", "港安一路", "港安二路", "黑石子路", "海尔路"],
    "铁山坪街道": ["铁山坪正街", "唐家桥路", "桥头堡路", "花园路"],
    "郭家沱街道": ["郭家沱正街", "望江路", "郭家沱路", "建设村路"],
    "鱼嘴镇": ["鱼嘴正街", "鱼复大道", "长惠路", "和睦路", "港城南路"],
    "复盛镇": ["复盛正街", "复兴路", "八一路"],
    "五宝镇": ["五宝正街", "丰收路"],
}  # fmt: skip

# Shared premises by kind: markets for circulation, food courts for catering, industrial parks for production.
VENUE_KINDS = ["market", "food_court", "industrial_park"]
VENUE_LABELS: dict[str, list[str]] = {
    "market": ["农贸市场", "综合市场", "便民市场", "菜市场"],
    "food_court": ["美食广场", "负一楼美食街", "共享厨房", "小吃城"],
    "industrial_park": ["港城工业园区", "食品产业园", "标准厂房", "鱼复工业园"],
}
ADDRESS_SUFFIXES = ["", "", "", "附1号", "附2号", "1幢1-1", "负一楼", "2楼", "门面"]

# How each business type is named: a pattern per name kind and the shop / industry words it fills in.
NAME_PATTERNS: dict[str, list[str]] = {
    "individual": ["江北区{street_short}{surname}记{shop}", "江北区{brand}{shop}", "重庆市江北区{surname}{given}{shop}"],
    "company": ["重庆{brand}{industry}", "重庆市江北区{brand}{shop}", "重庆{brand}{industry}江北分公司"],
    "cooperative": ["重庆市江北区{place}{coop_product}专业合作社"],
    "school": ["重庆市江北区{place}{school}食堂"],
    "unit_canteen": ["重庆{brand}{org_kind}职工食堂"],
}  # fmt: skip
SHOP_WORDS: dict[str, list[str]] = {
    "小型餐馆": ["小面馆", "火锅店", "江湖菜馆", "烤鱼店", "豆花饭店", "串串香店", "冷锅鱼店", "家常菜馆", "酸菜鱼店"],
    "小吃店": ["小吃店", "抄手店", "酸辣粉店", "面馆", "烧烤店", "麻辣烫店", "包子铺"],
    "饮品店": ["奶茶店", "茶饮店", "咖啡馆", "饮品店", "果汁店"],
    "中型餐馆": ["火锅店", "老火锅", "酒楼", "江湖菜馆", "烤鱼店", "中餐厅"],
    "大型餐馆": ["火锅", "大酒楼", "宴会厅", "酒店餐厅"],
    "糕点店": ["蛋糕店", "面包坊", "烘焙坊", "糕点铺"],
    "学校食堂": ["食堂"],
    "单位食堂": ["职工食堂"],
    "中央厨房": ["中央厨房"],
    "集体用餐配送单位": ["团餐配送中心"],
    "网络餐饮服务": ["外卖店", "私房菜", "卤菜外卖店"],
    "食杂店": ["食杂店", "副食店", "小卖部", "烟酒副食店"],
    "便利店": ["便利店", "便民店"],
    "超市": ["超市", "购物广场", "生活超市"],
    "农贸市场摊位": ["蔬菜经营部", "鲜肉店", "水产经营部", "禽蛋经营部", "干货店", "豆制品店"],
    "食品批发": ["食品批发部", "粮油批发部", "冻品批发部"],
    "网络食品销售": ["网店", "电商商行", "特产网店"],
    "无人售货": ["无人便利店", "自助售货店"],
    "保健食品销售": ["保健品店", "大药房"],
    "糕点生产": ["食品厂", "糕点厂"],
    "调味品生产": ["火锅底料厂", "调味品厂"],
    "肉制品生产": ["腊肉加工厂", "卤制品厂"],
    "粮食加工品生产": ["米面加工厂", "面条厂"],
    "饮料生产": ["饮用水厂", "饮料厂"],
    "方便食品生产": ["方便食品厂", "自热食品厂"],
    "食用油生产": ["榨油坊", "油脂厂"],
    "乳制品生产": ["乳品厂"],
}  # fmt: skip
INDUSTRY_WORDS: dict[str, list[str]] = {
    "catering": ["餐饮管理有限公司", "餐饮有限公司", "饮食文化有限公司", "火锅有限公司"],
    "circulation": ["商贸有限公司", "超市有限公司", "食品贸易有限公司", "电子商务有限公司"],
    "production": ["食品有限公司", "食品科技有限公司", "调味品有限公司", "实业有限公司"],
}

# 经营项目 per business type (《食品经营许可和备案管理办法》 items; SC categories for producers).
LICENCE_SCOPES: dict[str, list[str]] = {
    "catering": ["热食类食品制售", "热食类食品制售；冷食类食品制售", "热食类食品制售；自制饮品制售",
                 "热食类食品制售；冷食类食品制售；生食类食品制售"],
    "小吃店": ["热食类食品制售", "热食类食品制售；其他类食品制售"],
    "饮品店": ["自制饮品制售", "自制饮品制售；预包装食品销售"],
    "糕点店": ["其他类食品制售（糕点类食品（含裱花蛋糕））", "热食类食品制售；其他类食品制售"],
    "中央厨房": ["热食类食品制售；冷食类食品制售；半成品制售"],
    "集体用餐配送单位": ["热食类食品制售（集体用餐配送）"],
    "学校食堂": ["热食类食品制售（学校食堂）"],
    "单位食堂": ["热食类食品制售（单位食堂）"],
    "circulation": ["预包装食品销售（含冷藏冷冻食品）", "预包装食品销售（不含冷藏冷冻食品）；散装食品销售（不含冷藏冷冻食品）",
                    "预包装食品销售（含冷藏冷冻食品）；散装食品销售（含冷藏冷冻食品）；特殊食品销售（保健食品）"],
    "保健食品销售": ["特殊食品销售（保健食品）；预包装食品销售（不含冷藏冷冻食品）"],
    "糕点生产": ["糕点：热加工糕点；冷加工糕点"],
    "调味品生产": ["调味品：调味料（半固体（酱）调味料、火锅底料）"],
    "肉制品生产": ["肉制品：热加工熟肉制品；腌腊肉制品"],
    "粮食加工品生产": ["粮食加工品：大米；挂面"],
    "饮料生产": ["饮料：包装饮用水；果蔬汁类及其饮料"],
    "方便食品生产": ["方便食品：方便面；其他方便食品"],
    "食用油生产": ["食用油、油脂及其制品：食用植物油"],
    "乳制品生产": ["乳制品：液体乳（巴氏杀菌乳、灭菌乳）"],
}  # fmt: skip

# Sampled products: food category and possible failed items (item, failure kind, weight).
PRODUCTS: dict[str, tuple[str, list[tuple[str, str, float]]]] = {
    "复用餐饮具": ("餐饮食品", [("大肠菌群", "microbial", 5), ("阴离子合成洗涤剂（以十二烷基苯磺酸钠计）", "contaminant", 3)]),
    "自制凉菜": ("餐饮食品", [("大肠菌群", "microbial", 4), ("菌落总数", "microbial", 2), ("沙门氏菌", "microbial", 1)]),
    "火锅底料（自制）": ("餐饮食品", [("罂粟碱", "other", 1), ("苯甲酸及其钠盐（以苯甲酸计）", "additive", 2), ("铅（以Pb计）", "heavy_metal", 1)]),
    "油条（自制）": ("餐饮食品", [("铝的残留量（干样品，以Al计）", "additive", 5)]),
    "馒头（自制）": ("餐饮食品", [("糖精钠（以糖精计）", "additive", 2), ("甜蜜素（以环己基氨基磺酸计）", "additive", 2)]),
    "自制饮品": ("餐饮食品", [("菌落总数", "microbial", 3), ("大肠菌群", "microbial", 2), ("糖精钠（以糖精计）", "additive", 1)]),
    "裱花蛋糕": ("糕点", [("菌落总数", "microbial", 3), ("霉菌", "microbial", 2), ("脱氢乙酸及其钠盐（以脱氢乙酸计）", "additive", 1)]),
    "韭菜": ("食用农产品", [("腐霉利", "pesticide", 4), ("毒死蜱", "pesticide", 2), ("镉（以Cd计）", "heavy_metal", 1)]),
    "芹菜": ("食用农产品", [("毒死蜱", "pesticide", 3), ("甲拌磷", "pesticide", 2)]),
    "豇豆": ("食用农产品", [("灭蝇胺", "pesticide", 3), ("噻虫胺", "pesticide", 2)]),
    "鸡蛋": ("食用农产品", [("氟苯尼考", "vet_drug", 3), ("恩诺沙星", "vet_drug", 2)]),
    "猪肉": ("食用农产品", [("克伦特罗", "vet_drug", 1), ("磺胺类（总量）", "vet_drug", 1)]),
    "淡水鱼": ("食用农产品", [("恩诺沙星", "vet_drug", 3), ("孔雀石绿", "vet_drug", 1)]),
    "豆芽": ("食用农产品", [("4-氯苯氧乙酸钠（以4-氯苯氧乙酸计）", "other", 3), ("6-苄基腺嘌呤（6-BA）", "other", 2)]),
    "豆腐": ("豆制品", [("脱氢乙酸及其钠盐（以脱氢乙酸计）", "additive", 2), ("苯甲酸及其钠盐（以苯甲酸计）", "additive", 1)]),
    "大米": ("粮食加工品", [("镉（以Cd计）", "heavy_metal", 3), ("黄曲霉毒素B₁", "mycotoxin", 1)]),
    "挂面": ("粮食加工品", [("铅（以Pb计）", "heavy_metal", 1), ("脱氢乙酸及其钠盐（以脱氢乙酸计）", "additive", 1)]),
    "菜籽油": ("食用油、油脂及其制品", [("酸价（KOH）", "quality", 3), ("苯并[a]芘", "contaminant", 2), ("黄曲霉毒素B₁", "mycotoxin", 1)]),
    "花生油": ("食用油、油脂及其制品", [("黄曲霉毒素B₁", "mycotoxin", 3), ("过氧化值", "quality", 1)]),
    "火锅底料": ("调味品", [("罂粟碱", "other", 1), ("苯甲酸及其钠盐（以苯甲酸计）", "additive", 2), ("过氧化值", "quality", 2)]),
    "酱油": ("调味品", [("氨基酸态氮", "quality", 3), ("菌落总数", "microbial", 1)]),
    "腊肉": ("肉制品", [("过氧化值（以脂肪计）", "quality", 3), ("亚硝酸盐（以亚硝酸钠计）", "additive", 2), ("菌落总数", "microbial", 1)]),
    "卤肉制品": ("肉制品", [("菌落总数", "microbial", 3), ("大肠菌群", "microbial", 2), ("山梨酸及其钾盐（以山梨酸计）", "additive", 1)]),
    "巴氏杀菌乳": ("乳制品", [("菌落总数", "microbial", 2), ("蛋白质", "quality", 2)]),
    "包装饮用水": ("饮料", [("铜绿假单胞菌", "microbial", 3), ("溴酸盐", "contaminant", 1)]),
    "果汁饮料": ("饮料", [("菌落总数", "microbial", 2), ("甜蜜素（以环己基氨基磺酸计）", "additive", 1)]),
    "月饼": ("糕点", [("菌落总数", "microbial", 2), ("脱氢乙酸及其钠盐（以脱氢乙酸计）", "additive", 2), ("过氧化值", "quality", 1)]),
    "方便面": ("方便食品", [("酸价", "quality", 2), ("过氧化值", "quality", 2)]),
    "自热火锅": ("方便食品", [("菌落总数", "microbial", 1), ("过氧化值", "quality", 1)]),
    "白酒": ("酒类", [("甜蜜素（以环己基氨基磺酸计）", "additive", 2), ("酒精度", "quality", 2)]),
    "饼干": ("饼干", [("过氧化值（以脂肪计）", "quality", 2), ("菌落总数", "microbial", 1)]),
    "粉丝": ("淀粉及淀粉制品", [("铝的残留量（干样品，以Al计）", "additive", 3)]),
    "酱腌菜": ("蔬菜制品", [("苯甲酸及其钠盐（以苯甲酸计）", "additive", 2), ("二氧化硫残留量", "additive", 1)]),
    "保健食品（胶囊）": ("保健食品", [("标志性成分", "quality", 2), ("西地那非", "other", 1)]),
}  # fmt: skip

# Violations with their legal basis (食品安全法) and the fine range in yuan for a value under 10 000 yuan.
FSL = "《中华人民共和国食品安全法》"
VIOLATIONS: list[tuple[str, str, int, int]] = [
    ("经营超过保质期的食品", f"{FSL}第一百二十四条第一款第（五）项", 50_000, 100_000),
    ("生产经营致病性微生物、农药残留、兽药残留等超过食品安全标准限量的食品", f"{FSL}第一百二十四条第一款第（一）项", 50_000, 100_000),
    ("生产经营超范围、超限量使用食品添加剂的食品", f"{FSL}第一百二十四条第一款第（三）项", 50_000, 100_000),
    ("生产经营腐败变质、霉变生虫、混有异物的食品", f"{FSL}第一百二十四条第一款第（四）项", 50_000, 100_000),
    ("生产经营不符合食品安全标准的食品（质量指标）", f"{FSL}第一百二十五条第一款第（四）项", 5_000, 50_000),
    ("经营标签不符合规定的预包装食品", f"{FSL}第一百二十五条第一款第（二）项", 5_000, 50_000),
    ("未按规定建立并遵守进货查验记录制度", f"{FSL}第一百二十六条第一款第（三）项", 5_000, 50_000),
    ("餐具、饮具未按规定清洗消毒", f"{FSL}第一百二十六条第一款第（五）项", 5_000, 50_000),
    ("安排未取得健康证明的人员从事接触直接入口食品的工作", f"{FSL}第一百二十六条第一款第（六）项", 5_000, 50_000),
    ("未按要求进行食品贮存", f"{FSL}第一百三十二条", 5_000, 50_000),
    ("未取得食品经营许可从事食品经营活动", f"{FSL}第一百二十二条第一款", 50_000, 100_000),
    ("在食品中添加非食用物质", f"{FSL}第一百二十三条第一款第（一）项", 100_000, 150_000),
]  # fmt: skip
# The violation a sampling failure leads to, by failure kind.
FAILURE_VIOLATION: dict[str, int] = {
    "microbial": 1, "pesticide": 1, "vet_drug": 1, "heavy_metal": 1, "mycotoxin": 1, "contaminant": 1,
    "additive": 2, "quality": 4, "other": 11,
}  # fmt: skip
# Violations behind a penalty that no inspection or sampling test in the data led to (reports, special actions).
INDEPENDENT_VIOLATIONS = [10, 0, 5, 3, 11]

# Inspection findings: (text, violation index, sectors it applies to: c catering, r circulation, p production).
MAJOR_FINDINGS: list[tuple[str, int, str]] = [
    ("使用超过保质期的食品原料", 0, "cp"),
    ("经营超过保质期的预包装食品", 0, "r"),
    ("餐饮具未清洗消毒即使用", 7, "c"),
    ("从业人员未取得健康证明上岗", 8, "crp"),
    ("未建立进货查验记录，无法提供供货者资质", 6, "crp"),
    ("食品原料腐败变质、霉变", 3, "cr"),
    ("冷藏冷冻食品未按要求贮存，冷库温度超标", 9, "crp"),
    ("生产车间卫生状况差，原料与成品交叉污染", 3, "p"),
    ("出厂检验记录缺失，未按规定检验", 6, "p"),
    ("学校食堂未按规定留样", 6, "c"),
]
MINOR_FINDINGS: list[tuple[str, int, str]] = [
    ("从业人员未规范佩戴口罩、帽子", 8, "cp"),
    ("食品经营许可证未在显著位置公示", 6, "cr"),
    ("进货查验记录不完整", 6, "crp"),
    ("后厨地面有积水、油污", 7, "c"),
    ("防蝇防鼠设施不完善", 9, "crp"),
    ("库房食品未隔墙离地存放", 9, "crp"),
    ("冰箱内生熟食品未分开存放", 9, "c"),
    ("餐饮具保洁柜未正常使用", 7, "c"),
    ("食品添加剂未做使用记录", 2, "cp"),
    ("部分从业人员健康证明过期", 8, "crp"),
    ("散装食品未标明生产日期和保质期", 5, "r"),
    ("未按规定开展食品安全自查", 6, "crp"),
]

# Complaint categories (问题类别) with the sectors they come from.
COMPLAINT_CATEGORIES: list[tuple[str, str]] = [
    ("食品变质", "crp"), ("食品中有异物", "crp"), ("食用后身体不适", "cp"), ("过期食品", "r"),
    ("卫生条件差", "c"), ("无证经营", "cr"), ("虚假宣传", "rp"), ("标签标识问题", "rp"), ("价格计量", "cr"),
    ("其他", "crp"),
]  # fmt: skip

# ID-card area codes of legal representatives (GB/T 2260): Jiangbei, other Chongqing, Sichuan, elsewhere.
ID_AREAS: list[tuple[str, float]] = [
    ("500105", 30), ("510212", 4), ("500103", 6), ("500106", 5), ("500107", 5), ("500108", 5), ("500112", 8),
    ("500113", 3), ("500101", 4), ("500102", 3), ("500235", 3), ("500236", 2), ("500240", 2), ("510104", 4),
    ("510723", 3), ("511302", 3), ("520102", 2), ("420106", 2), ("430102", 1), ("610113", 1),
]  # fmt: skip

INSPECTOR_DEPARTMENT = "500105"
