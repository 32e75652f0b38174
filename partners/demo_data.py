"""Pools and reference data for `manage.py seed_demo`: realistic Sichuan partners, people, products.

Pure data and a few pure helpers; no database access here (the generator and loader live in
`partners/demo_seed.py`). E-mail addresses use subdomains of the reserved `example.com`, so demo
data can never mail a real company.
"""
from decimal import Decimal

# --- City branches ---------------------------------------------------------------------------------
# code: (weight %, telephone area code, local-number digits, districts)
CITY_PROFILE = {
    "CD": (40.0, "028", 8, ["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "高新区", "天府新区", "龙泉驿区",
                            "双流区", "郫都区", "温江区", "新都区"]),
    "MY": (7.0, "0816", 7, ["涪城区", "游仙区", "安州区"]),
    "DY": (5.0, "0838", 7, ["旌阳区", "罗江区"]),
    "NC": (5.0, "0817", 7, ["顺庆区", "高坪区", "嘉陵区"]),
    "YB": (5.0, "0831", 7, ["翠屏区", "南溪区", "叙州区"]),
    "LZ": (4.5, "0830", 7, ["江阳区", "龙马潭区", "纳溪区"]),
    "LS": (4.0, "0833", 7, ["市中区", "五通桥区", "沙湾区"]),
    "DZ": (4.0, "0818", 7, ["通川区", "达川区"]),
    "ZG": (3.0, "0813", 7, ["自流井区", "贡井区", "大安区"]),
    "SN": (3.0, "0825", 7, ["船山区", "安居区"]),
    "NJ": (3.0, "0832", 7, ["市中区", "东兴区"]),
    "MS": (3.0, "028", 8, ["东坡区", "彭山区"]),
    "GA": (2.5, "0826", 7, ["广安区", "前锋区"]),
    "ZY": (2.0, "028", 8, ["雁江区"]),
    "PZH": (2.0, "0812", 7, ["东区", "西区", "仁和区"]),
    "GY": (2.0, "0839", 7, ["利州区", "昭化区"]),
    "LSZ": (2.0, "0834", 7, ["西昌市"]),
    "YA": (1.5, "0835", 7, ["雨城区", "名山区"]),
    "BZ": (1.5, "0827", 7, ["巴州区", "恩阳区"]),
    "AB": (0.8, "0837", 7, ["马尔康市", "汶川县"]),
    "GZ": (0.7, "0836", 7, ["康定市", "泸定县"]),
}
# The autonomous prefectures are 州, the other branches 市.
PREFECTURES = {"AB", "GZ", "LSZ"}

ROADS = ["人民南路", "人民北路", "建设路", "解放路", "滨江路", "天府大道", "蜀都大道", "科华北路", "长江路",
         "临江路", "东大街", "西大街", "南河路", "金河路", "新华路", "文化路", "学府路", "创业路", "工业大道", "迎宾大道"]

# --- Partner names: 城市 + 字号 + 行业 + 组织形式 ----------------------------------------------------
BRANDS = [
    ("天府", "Tianfu"), ("蜀都", "Shudu"), ("锦城", "Jincheng"), ("蓉城", "Rongcheng"), ("巴蜀", "Bashu"),
    ("西部", "Xibu"), ("川西", "Chuanxi"), ("锦江", "Jinjiang"), ("峨眉", "Emei"), ("青城", "Qingcheng"),
    ("岷江", "Minjiang"), ("嘉陵", "Jialing"), ("剑门", "Jianmen"), ("九寨", "Jiuzhai"), ("金沙", "Jinsha"),
    ("都江", "Dujiang"), ("龙泉", "Longquan"), ("华信", "Huaxin"), ("博远", "Boyuan"), ("联创", "Lianchuang"),
    ("通达", "Tongda"), ("数智", "Shuzhi"), ("云联", "Yunlian"), ("智汇", "Zhihui"), ("瑞达", "Ruida"),
    ("鑫源", "Xinyuan"), ("汇智", "Huizhi"), ("众联", "Zhonglian"), ("迅捷", "Xunjie"), ("宏远", "Hongyuan"),
    ("新锐", "Xinrui"), ("东信", "Dongxin"), ("信诚", "Xincheng"), ("安和", "Anhe"), ("英华", "Yinghua"),
    ("卓越", "Zhuoyue"), ("中天", "Zhongtian"), ("明德", "Mingde"), ("海川", "Haichuan"), ("天启", "Tianqi"),
    ("星辰", "Xingchen"), ("远景", "Yuanjing"), ("科联", "Kelian"), ("君诚", "Juncheng"), ("鼎盛", "Dingsheng"),
    ("世纪", "Shiji"), ("万通", "Wantong"), ("华康", "Huakang"), ("祥云", "Xiangyun"), ("聚源", "Juyuan"),
    ("弘毅", "Hongyi"), ("润泽", "Runze"), ("嘉禾", "Jiahe"), ("凯越", "Kaiyue"), ("思远", "Siyuan"),
    ("同创", "Tongchuang"), ("启明", "Qiming"), ("腾飞", "Tengfei"), ("立信", "Lixin"), ("天翔", "Tianxiang"),
    ("蓝海", "Lanhai"), ("银河", "Yinhe"), ("锦华", "Jinhua"), ("川信", "Chuanxin"), ("蜀通", "Shutong"),
]

# Trade words by partner type: (Chinese, English, short pinyin used in the e-mail domain)
TRADES = {
    "SA": [("通信技术", "Communication Technology", "tx"), ("通讯器材", "Communication Equipment", "tx"),
           ("信息服务", "Information Services", "xx"), ("电子商务", "E-commerce", "ds"), ("商贸", "Trading", "sm"),
           ("网络科技", "Network Technology", "wl"), ("科技", "Technology", "kj"), ("营销策划", "Marketing", "yx")],
    "ISV": [("软件", "Software", "rj"), ("信息技术", "Information Technology", "xx"), ("数据科技", "Data Technology", "sj"),
            ("智能科技", "Intelligent Technology", "zn"), ("网络科技", "Network Technology", "wl"),
            ("软件技术", "Software Technology", "rj"), ("云计算", "Cloud Computing", "cloud"),
            ("移动互联", "Mobile Internet", "mobi")],
    "SI": [("系统集成", "Systems Integration", "si"), ("信息工程", "Information Engineering", "xx"),
           ("网络工程", "Network Engineering", "wl"), ("智能系统", "Intelligent Systems", "zn"),
           ("电子工程", "Electronic Engineering", "dz"), ("信息系统", "Information Systems", "xx"),
           ("通信工程", "Communication Engineering", "tx"), ("安防技术", "Security Technology", "af")],
}
SUFFIXES = [("有限公司", "Co., Ltd.", 70), ("有限责任公司", "Co., Ltd.", 20), ("股份有限公司", "Corp.", 10)]

# --- People ------------------------------------------------------------------------------------------
SURNAMES = [
    ("王", "wang", 7), ("李", "li", 7), ("张", "zhang", 6), ("刘", "liu", 6), ("陈", "chen", 6), ("杨", "yang", 5),
    ("黄", "huang", 3), ("赵", "zhao", 3), ("吴", "wu", 3), ("周", "zhou", 3), ("徐", "xu", 2), ("孙", "sun", 2),
    ("马", "ma", 2), ("朱", "zhu", 2), ("胡", "hu", 2), ("郭", "guo", 2), ("何", "he", 3), ("高", "gao", 2),
    ("林", "lin", 2), ("罗", "luo", 3), ("郑", "zheng", 2), ("梁", "liang", 1), ("谢", "xie", 2), ("宋", "song", 1),
    ("唐", "tang", 2), ("韩", "han", 1), ("冯", "feng", 1), ("邓", "deng", 3), ("曹", "cao", 1), ("彭", "peng", 2),
    ("曾", "zeng", 2), ("肖", "xiao", 2), ("田", "tian", 1), ("董", "dong", 1), ("袁", "yuan", 2), ("潘", "pan", 1),
    ("蒋", "jiang", 2), ("蔡", "cai", 1), ("余", "yu", 2), ("杜", "du", 2), ("叶", "ye", 1), ("程", "cheng", 1),
    ("魏", "wei", 1), ("苏", "su", 1), ("丁", "ding", 1), ("任", "ren", 2), ("卢", "lu", 1), ("姚", "yao", 1),
    ("沈", "shen", 1), ("钟", "zhong", 1), ("谭", "tan", 2), ("廖", "liao", 2), ("范", "fan", 1), ("石", "shi", 1),
]
GIVEN = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
    ("英", "ying"), ("华", "hua"), ("玉", "yu"), ("兰", "lan"), ("红", "hong"), ("建", "jian"), ("文", "wen"),
    ("辉", "hui"), ("鹏", "peng"), ("宇", "yu"), ("浩", "hao"), ("婷", "ting"), ("欣", "xin"), ("雪", "xue"),
    ("琳", "lin"), ("波", "bo"), ("斌", "bin"), ("梅", "mei"), ("丹", "dan"), ("亮", "liang"), ("晨", "chen"),
    ("峰", "feng"), ("川", "chuan"), ("蓉", "rong"), ("凯", "kai"), ("佳", "jia"), ("颖", "ying"),
]
TITLES = ["总经理", "副总经理", "销售总监", "销售经理", "技术总监", "项目经理", "商务经理", "客服主管", "财务经理"]
# Numbers of the operator's own mobile ranges (a telecom's partners use its lines).
MOBILE_PREFIXES = ["133", "153", "173", "177", "180", "181", "189", "191", "199"]

# --- Customers of the partners -----------------------------------------------------------------------
SME_TRADES = ["餐饮管理", "火锅餐饮", "商贸", "物流", "建材", "装饰工程", "医药连锁", "酒店管理", "汽车服务",
              "文化传媒", "房地产经纪", "农业开发", "茶业", "旅游开发", "物业管理", "服装", "家具", "印务"]
KEY_ACCOUNT_TRADES = ["投资", "建设", "能源", "交通", "医疗", "商业", "物流", "食品", "机械", "旅游"]
SCHOOL_KINDS = ["实验小学", "外国语学校", "中学", "实验中学", "小学"]

# --- The operator's product catalogue (DOMAIN.md) ----------------------------------------------------
# code, English name, Chinese name, type, typical deal in CNY (C-class), description
PRODUCTS = [
    ("VPMN", "Short-number cluster network", "短号集群网", "simple_standard", 3000,
     "Short-number dialling and flat-rate calls inside a customer's group."),
    ("GCRBT", "Group colour ring-back tone", "集团彩铃", "simple_standard", 1200,
     "The customer's own ring-back tone for every line of the group."),
    ("ESMS", "Enterprise SMS", "企信通", "simple_standard", 2000,
     "Bulk and notification SMS for enterprises."),
    ("EMAIL", "Enterprise mail", "企业邮箱", "simple_standard", 1500,
     "Hosted e-mail under the customer's own domain."),
    ("MSWITCH", "Mobile switchboard", "移动总机", "simple_standard", 2500,
     "A switchboard number that rings the staff's mobile phones."),
    ("PUSHMAIL", "Push Mail", "Push Mail", "configuration", 8000,
     "Mail pushed to handsets; integrated with the customer's mail server."),
    ("MAS", "MAS information gateway", "MAS 信息机", "configuration", 30000,
     "On-site gateway linking the customer's applications to SMS/MMS."),
    ("XXT", "School SMS (Xiaoxuntong)", "校讯通", "configuration", 20000,
     "Home-school messaging for schools and parents."),
    ("FLEET", "Fleet tracking", "车务通", "configuration", 15000,
     "Industry application: vehicle positioning and dispatch."),
    ("MOA", "Mobile office", "移动办公", "configuration", 25000,
     "Industry application: approvals and office work on handsets."),
    ("AGRI", "Agricultural information", "农信通", "configuration", 10000,
     "Industry application: market prices and advice for farmers and co-operatives."),
    ("VSURV", "Video surveillance", "全球眼", "configuration", 40000,
     "Industry application: networked video surveillance for shops, sites and schools."),
]
PRODUCT_BASE_AMOUNT = {code: Decimal(base) for code, _en, _zh, _type, base, _desc in PRODUCTS}

# --- Demo logins -------------------------------------------------------------------------------------
# Fixed demo passwords: printed by the command, for demo and development databases only.
ADMIN_PASSWORD = "admin-demo-2009"
CHANNEL_MANAGER_PASSWORD = "cm-demo-2009"
PRODUCT_MANAGER_PASSWORD = "pm-demo-2009"
PARTNER_PASSWORD = "partner-demo-2009"

# username, last name, first name, covered city codes
CHANNEL_MANAGERS = [
    ("cm_wang", "王", "磊", ["CD"]),
    ("cm_li", "李", "静", ["CD", "MS", "ZY"]),
    ("cm_zhang", "张", "勇", ["MY", "DY", "GY", "SN"]),
    ("cm_liu", "刘", "洋", ["NC", "DZ", "GA", "BZ"]),
    ("cm_chen", "陈", "晓燕", ["LS", "YB", "LZ", "ZG", "NJ"]),
    ("cm_yang", "杨", "帆", ["PZH", "LSZ", "YA", "AB", "GZ"]),
]
ADMIN_USERNAME = "admin"
PRODUCT_MANAGER = ("pm_zhao", "赵", "敏")
INTEGRATION_CLIENTS = [("crm_ro", False), ("crm_rw", True)]
# One partner login per core type, attached to the first active partner of that type.
PARTNER_LOGINS = [("partner_sa", "SA"), ("partner_isv", "ISV"), ("partner_si", "SI")]

STAFF_USERNAMES = (
    [ADMIN_USERNAME, PRODUCT_MANAGER[0]]
    + [row[0] for row in CHANNEL_MANAGERS]
    + [name for name, _write in INTEGRATION_CLIENTS]
)
DEMO_USERNAMES = STAFF_USERNAMES + [name for name, _type in PARTNER_LOGINS]


def weighted(pairs):
    """Split [(item, weight), …] into the (items, cumulative weights) random.choices wants."""
    items, cum, total = [], [], 0.0
    for item, weight in pairs:
        total += weight
        items.append(item)
        cum.append(total)
    return items, cum
