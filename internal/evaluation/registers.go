package evaluation

import (
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/money"
)

// Registers are the department-year's records behind its management
// scores: procurement intentions and contracts, assets and disclosures.
// When they are present, the framework's checks score 管理效率 items from
// them and every lost point names the records behind it.
type Registers struct {
	Intentions  []Intention  `yaml:"intentions,omitempty" json:"intentions,omitempty"`
	Contracts   []Contract   `yaml:"contracts,omitempty" json:"contracts,omitempty"`
	Assets      []Asset      `yaml:"assets,omitempty" json:"assets,omitempty"`
	Disclosures []Disclosure `yaml:"disclosures,omitempty" json:"disclosures,omitempty"`
}

// Intention is a published procurement intention (政府采购意向).
type Intention struct {
	Project      string     `yaml:"project" json:"project"`
	Budget       money.Fen  `yaml:"budget" json:"budget"`
	PlannedStart civil.Date `yaml:"planned_start" json:"planned_start"` // 预计采购时间
	Published    civil.Date `yaml:"published" json:"published"`         // 意向公开日期
}

// Contract is a government procurement contract (政府采购合同).
type Contract struct {
	Number   string    `yaml:"number" json:"number"`
	Project  string    `yaml:"project,omitempty" json:"project,omitempty"`
	Supplier string    `yaml:"supplier" json:"supplier"`
	Amount   money.Fen `yaml:"amount" json:"amount"`
	// SME: the supplier is a small or medium enterprise (中小企业).
	SME       bool       `yaml:"sme" json:"sme"`
	Awarded   civil.Date `yaml:"awarded" json:"awarded"`     // 中标、成交通知书发出日期
	Signed    civil.Date `yaml:"signed" json:"signed"`       // 签订日期
	Published civil.Date `yaml:"published" json:"published"` // 合同公告日期
	Filed     civil.Date `yaml:"filed" json:"filed"`         // 备案日期
}

// Asset is a fixed asset (固定资产) card.
type Asset struct {
	Number   string    `yaml:"number" json:"number"`
	Name     string    `yaml:"name" json:"name"`
	Category string    `yaml:"category,omitempty" json:"category,omitempty"`
	Value    money.Fen `yaml:"value" json:"value"`
	// Idle marks an asset not in use (闲置).
	Idle          bool       `yaml:"idle,omitempty" json:"idle,omitempty"`
	LastInventory civil.Date `yaml:"last_inventory" json:"last_inventory"` // 最近盘点日期
	// LabelMissing marks an asset whose label (资产标签) is missing.
	LabelMissing bool   `yaml:"label_missing,omitempty" json:"label_missing,omitempty"`
	Location     string `yaml:"location,omitempty" json:"location,omitempty"`
	// TransferPending marks an asset due to be transferred (调拨) to another
	// unit, for example after an institutional reform, and not yet moved.
	TransferPending bool `yaml:"transfer_pending,omitempty" json:"transfer_pending,omitempty"`
}

// Disclosure kinds.
var DisclosureKinds = map[string]string{
	"budget":         "部门预算",
	"final_accounts": "部门决算",
	"performance":    "绩效信息",
}

// Disclosure is one publication of budget, final accounts or performance
// information (信息公开).
type Disclosure struct {
	Kind      string     `yaml:"kind" json:"kind"`
	Title     string     `yaml:"title,omitempty" json:"title,omitempty"`
	Approved  civil.Date `yaml:"approved" json:"approved"`   // 批复日期
	Published civil.Date `yaml:"published" json:"published"` // 公开日期
}
