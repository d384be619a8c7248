package synthcity

import (
	"math/rand/v2"
	"strconv"

	"github.com/firedraw/firedraw/risk"
)

// districtStems are the first district names, in order; beyond them names
// are composed from firstChars × secondChars, skipping repeats.
var districtStems = []string{"上城", "西湖", "拱墅", "滨江", "萧山", "余杭", "临平", "钱塘",
	"富阳", "临安", "东湖", "南山", "北塘", "青山", "金水", "龙泉"}

var (
	firstChars  = []rune("东西南北中上下金青龙白云江河湖山新平安长")
	secondChars = []rune("城湖山江塘阳安河溪桥港州宁丰")
)

// districtNames returns n distinct district names such as "上城区".
func districtNames(n int) []string {
	out := make([]string, 0, n)
	seen := make(map[string]bool, n)
	add := func(stem string) {
		if len(out) < n && !seen[stem] {
			seen[stem] = true
			out = append(out, stem+"区")
		}
	}
	for _, s := range districtStems {
		add(s)
	}
	for _, a := range firstChars {
		for _, b := range secondChars {
			add(string([]rune{a, b}))
		}
	}
	for i := 1; len(out) < n; i++ {
		add("第" + strconv.Itoa(i) + "新")
	}
	return out
}

// districtStem strips the trailing "区".
func districtStem(d string) string {
	r := []rune(d)
	return string(r[:len(r)-1])
}

var surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "沈", "叶"}

var givenChars = []string{"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
	"秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "斌", "亮", "红", "波", "辉", "丽", "鑫", "宇", "浩", "婷"}

var brandWords = []string{"瑞丰", "华兴", "恒达", "宏发", "永盛", "金鼎", "天成", "东方", "新世纪", "鑫源", "嘉禾",
	"博远", "隆昌", "富康", "百川", "锦程", "万通", "中联", "信诚", "汇丰", "盛世", "银河", "四季", "阳光", "和平",
	"钱江", "之江", "云栖", "湖畔", "星光"}

// nameParts lists, per category, the endings of unit names.
var nameParts = [...][]string{
	risk.Industrial:           {"纺织有限公司", "机械制造有限公司", "电子科技有限公司", "塑料制品有限公司", "化工有限公司", "家具有限公司", "服饰有限公司", "食品有限公司", "印刷有限公司", "五金制品有限公司", "包装材料有限公司", "新材料有限公司"},
	risk.Warehouse:            {"物流有限公司仓库", "仓储有限公司", "冷链物流中心", "货运配送中心", "电商仓储中心"},
	risk.NineSmallPlaces:      {"烧烤店", "小吃店", "饭店", "网吧", "足浴店", "美容美发店", "旅馆", "歌厅", "便利店", "棋牌室", "茶楼", "小超市", "五金店", "诊所", "面馆", "麻辣烫"},
	risk.StreetShop:           {"服装店", "水果店", "手机店", "药店", "烟酒店", "花店", "面包店", "眼镜店", "文具店", "建材店", "电动车行", "母婴店"},
	risk.HighRise:             {"大厦", "国际中心", "商务大楼", "金融中心", "写字楼"},
	risk.Underground:          {"地下商场", "地下停车场", "地下商业街", "人防工程"},
	risk.CrowdedPlaceCategory: {"商场", "影城", "购物中心", "KTV", "体育馆", "大酒店", "农贸市场", "健身中心"},
	risk.Hospital:             {"人民医院", "中医院", "妇幼保健院", "社区卫生服务中心", "口腔医院", "康复医院"},
	risk.School:               {"小学", "中学", "幼儿园", "职业技术学校", "实验学校"},
	risk.Residential:          {"小区", "花园", "公寓", "新村", "家园"},
	risk.OtherCategory:        {"加油站", "变电站", "文物保护单位", "寺", "养老院", "汽车维修厂"},
}

// unitName composes a Chinese unit name: small businesses after their
// owner ("西湖区老王烧烤店"), companies and buildings after a brand
// ("滨江瑞丰纺织有限公司").
func unitName(r *rand.Rand, c risk.Category, district string) string {
	parts := nameParts[c]
	end := parts[r.IntN(len(parts))]
	sur := surnames[r.IntN(len(surnames))]
	switch c {
	case risk.NineSmallPlaces, risk.StreetShop:
		switch r.IntN(3) {
		case 0:
			return district + "老" + sur + end
		case 1:
			return districtStem(district) + sur + "记" + end
		default:
			return district + brandWords[r.IntN(len(brandWords))] + end
		}
	case risk.Hospital, risk.School:
		if r.IntN(2) == 0 {
			return district + end
		}
	}
	return districtStem(district) + brandWords[r.IntN(len(brandWords))] + end
}

// personName draws a two- or three-character Chinese name.
func personName(r *rand.Rand) string {
	s := surnames[r.IntN(len(surnames))] + givenChars[r.IntN(len(givenChars))]
	if r.IntN(3) > 0 {
		s += givenChars[r.IntN(len(givenChars))]
	}
	return s
}

// Unified social credit codes (GB 32100-2015): registration department
// (1), organisation type (1), administrative division (6), organisation
// code (GB 11714: 8 characters and a check character) and a check
// character over the first 17.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// maxUnits is the number of distinct 8-digit organisation codes.
const maxUnits = 100_000_000

// uscc returns the code of unit with the given body number in
// [0, maxUnits); distinct bodies give distinct codes.
func uscc(individual bool, division int, body uint64) string {
	var b [18]byte
	if individual {
		b[0], b[1] = '9', '2' // 个体工商户
	} else {
		b[0], b[1] = '9', '1' // 企业
	}
	d := strconv.Itoa(division)
	copy(b[2:8], d)
	for i := 15; i >= 8; i-- {
		b[i] = byte('0' + body%10)
		body /= 10
	}
	orgW := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	s := 0
	for i := range 8 {
		s += int(b[8+i]-'0') * orgW[i]
	}
	switch c := 11 - s%11; c {
	case 10:
		b[16] = 'X'
	case 11:
		b[16] = '0'
	default:
		b[16] = byte('0' + c)
	}
	s = 0
	for i := range 17 {
		s += indexByte(usccChars, b[i]) * usccWeights[i]
	}
	c := (31 - s%31) % 31
	b[17] = usccChars[c]
	return string(b[:])
}

func indexByte(s string, c byte) int {
	for i := range len(s) {
		if s[i] == c {
			return i
		}
	}
	return -1
}
