package main

// The demo scheme: a small VCSE connector scheme in the Calder Valley with two
// link workers, a dozen people at different points of their support and a
// directory of community groups. Phone numbers are in Ofcom's range reserved
// for drama (07700 900xxx), so none of them belongs to anyone.

const (
	demoSchemeName  = "Calder Valley Connect"
	demoDutyContact = "+447700900100"
)

// demoWorker is a link worker of the demo scheme.
type demoWorker struct {
	name, phone, email, password string
	admin                        bool
}

var demoWorkers = []demoWorker{
	{name: "Priya Shah", phone: "+447700900101", email: "priya@calder.example", password: "demo-priya", admin: true},
	{name: "Tom Okafor", phone: "+447700900102", email: "tom@calder.example", password: "demo-tom"},
}

// demoPerson is a person the demo scheme supports. worker indexes demoWorkers.
type demoPerson struct {
	name, phone, channel, area, source string
	worker                             int
	interests                          []string
	discreet, ended                    bool
	referredDaysAgo                    int
}

var demoPeople = []demoPerson{
	{name: "Margaret Ellis", phone: "+447700900201", channel: "sms", area: "Hebden Bridge", source: "GP", worker: 0, interests: []string{"singing", "knitting", "company"}, referredDaysAgo: 40},
	{name: "Dev Patel", phone: "+447700900202", channel: "telegram", area: "Todmorden", source: "Jobcentre", worker: 0, interests: []string{"football", "cooking", "money"}, referredDaysAgo: 25},
	{name: "Sandra Whitfield", phone: "+447700900203", channel: "sms", area: "Mytholmroyd", source: "Carers' centre", worker: 0, interests: []string{"gardening", "walking"}, referredDaysAgo: 60},
	{name: "Joe Brennan", phone: "+447700900204", channel: "sms", area: "Hebden Bridge", source: "GP", worker: 1, interests: []string{"woodwork", "company"}, referredDaysAgo: 18},
	{name: "Aisha Khan", phone: "+447700900205", channel: "sms", area: "Todmorden", source: "Health visitor", worker: 1, interests: []string{"walking", "crafts", "art"}, referredDaysAgo: 12},
	{name: "Ken Holroyd", phone: "+447700900206", channel: "sms", area: "Heptonstall", source: "Practice nurse", worker: 1, interests: []string{"walking", "history", "reading"}, referredDaysAgo: 75},
	{name: "Lucy Fairbanks", phone: "+447700900207", channel: "sms", area: "Mytholmroyd", source: "Housing association", worker: 0, interests: []string{"housing", "cooking"}, discreet: true, referredDaysAgo: 9},
	{name: "Ravi Mistry", phone: "+447700900208", channel: "sms", area: "Todmorden", source: "GP", worker: 1, interests: []string{"football", "walking"}, referredDaysAgo: 33},
	{name: "Bernadette O'Neill", phone: "+447700900209", channel: "sms", area: "Hebden Bridge", source: "Self-referral", worker: 0, interests: []string{"singing", "company", "cooking"}, referredDaysAgo: 50},
	{name: "Tyler Greenwood", phone: "+447700900210", channel: "telegram", area: "Todmorden", source: "College", worker: 1, interests: []string{"music", "art"}, referredDaysAgo: 6},
	{name: "Hannah Sutcliffe", phone: "+447700900211", channel: "sms", area: "Hebden Bridge", source: "Citizens Advice", worker: 0, interests: []string{"money", "gardening"}, referredDaysAgo: 21},
	{name: "Stan Kowalski", phone: "+447700900212", channel: "sms", area: "Mytholmroyd", source: "GP", worker: 1, interests: []string{"woodwork", "fishing"}, ended: true, referredDaysAgo: 120},
}

// demoGroup is a community group in the demo directory.
type demoGroup struct {
	name, about, where, when, contact string
	tags                              []string
	capacity                          int
}

var demoGroups = []demoGroup{
	{name: "Calder Valley Walking Football", about: "Football at walking pace for over-50s; no running, no tackling, plenty of laughs.", where: "Todmorden Sports Centre", when: "Tuesdays 10:00–11:30", contact: "Gary, 07700 900301", tags: []string{"football", "exercise", "company"}, capacity: 6},
	{name: "Hebden Bridge Community Garden", about: "Growing vegetables and flowers together; tools and tea provided.", where: "Hebden Bridge Community Garden, Valley Road", when: "Wednesdays 10:00–12:30", contact: "Ruth, 07700 900302", tags: []string{"gardening", "outdoors", "company"}, capacity: 8},
	{name: "Valley Voices Community Choir", about: "A friendly choir: no auditions and no need to read music.", where: "Hebden Bridge Methodist Church hall", when: "Thursdays 19:00–20:30", contact: "Anne, 07700 900303", tags: []string{"singing", "music", "company"}, capacity: 10},
	{name: "Knit and Natter", about: "Bring your knitting or learn from scratch; wool and biscuits provided.", where: "Todmorden Library", when: "Mondays 14:00–16:00", contact: "Library desk, 07700 900304", tags: []string{"knitting", "crafts", "company"}, capacity: 8},
	{name: "Mytholmroyd Men's Shed", about: "A workshop to make, mend and chat; woodwork, bike repairs and a brew.", where: "Unit 4, Burnley Road, Mytholmroyd", when: "Tuesdays and Thursdays 10:00–15:00", contact: "Phil, 07700 900305", tags: []string{"woodwork", "company", "men"}, capacity: 6},
	{name: "Debt Advice Clinic", about: "Free, confidential help with debts, bills and benefits from trained advisers.", where: "Todmorden Town Hall, room 2", when: "Fridays 09:30–12:30, by appointment", contact: "Advice line, 07700 900306", tags: []string{"money", "benefits", "advice"}, capacity: 5},
	{name: "Riverside Community Café", about: "Pay-as-you-feel lunches and a warm room; everyone welcome.", where: "St Michael's, Mytholmroyd", when: "Saturdays 11:00–14:00", contact: "Café team, 07700 900307", tags: []string{"cooking", "food", "company"}, capacity: 15},
	{name: "Healthy Walks", about: "Gentle led walks of about an hour on flat paths, at the pace of the slowest.", where: "Meet at Hebden Bridge station", when: "Wednesdays 11:00", contact: "Walk leader, 07700 900308", tags: []string{"walking", "outdoors", "exercise"}, capacity: 12},
	{name: "Art for Wellbeing", about: "Drawing and painting for beginners; materials provided.", where: "Todmorden Community College, art room", when: "Fridays 13:30–15:30", contact: "Jo, 07700 900309", tags: []string{"art", "crafts"}, capacity: 8},
	{name: "Chair Yoga", about: "Seated yoga for stiff joints and calm minds; no experience needed.", where: "Heptonstall Village Hall", when: "Mondays 11:00–12:00", contact: "Meena, 07700 900310", tags: []string{"exercise", "relaxation"}, capacity: 10},
	{name: "Cook and Eat", about: "Cook a cheap, healthy meal together, then sit down and eat it.", where: "Todmorden Community Kitchen", when: "Thursdays 12:00–14:00", contact: "Sam, 07700 900311", tags: []string{"cooking", "food", "money"}, capacity: 6},
	{name: "Telephone Befriending", about: "A weekly friendly phone call from the same trained volunteer.", where: "By phone", when: "Weekly, at a time that suits", contact: "Befriending team, 07700 900312", tags: []string{"company", "phone"}, capacity: 20},
	{name: "Heptonstall History Group", about: "Talks, walks and old photographs of the valley.", where: "Heptonstall Museum", when: "First Tuesday of the month, 14:00", contact: "Derek, 07700 900313", tags: []string{"history", "reading", "company"}, capacity: 15},
	{name: "Young People's Music Project", about: "Make music, learn an instrument or record a track; ages 16–25.", where: "Todmorden Youth Centre", when: "Wednesdays 17:00–19:00", contact: "Kaz, 07700 900314", tags: []string{"music", "young people"}, capacity: 8},
	{name: "Calder Anglers Taster Sessions", about: "Try fishing with kit provided and a patient coach.", where: "Rochdale Canal, Mytholmroyd", when: "Sundays 09:00–12:00, April to October", contact: "Mick, 07700 900315", tags: []string{"fishing", "outdoors"}, capacity: 6},
}

// demoReferral is an activity a person was put in touch with, and how it went.
type demoReferral struct {
	group, outcome string // outcome: suggested, declined, accepted or attended
}

var demoReferrals = map[string]demoReferral{
	"Margaret Ellis":     {group: "Valley Voices Community Choir", outcome: "attended"},
	"Sandra Whitfield":   {group: "Hebden Bridge Community Garden", outcome: "declined"},
	"Joe Brennan":        {group: "Mytholmroyd Men's Shed", outcome: "accepted"},
	"Ken Holroyd":        {group: "Heptonstall History Group", outcome: "attended"},
	"Ravi Mistry":        {group: "Calder Valley Walking Football", outcome: "attended"},
	"Bernadette O'Neill": {group: "Riverside Community Café", outcome: "attended"},
	"Hannah Sutcliffe":   {group: "Debt Advice Clinic", outcome: "accepted"},
	"Dev Patel":          {group: "Cook and Eat", outcome: "suggested"},
}

// demoRecentEscalations are the replies above that still wait for their
// link worker to act: to see today, and Ken's urgent one (only urgent
// escalations page anyone) that nobody has acknowledged yet.
var demoRecentEscalations = map[string]string{
	"Aisha Khan":  "rearrange",
	"Dev Patel":   "wants_contact",
	"Ken Holroyd": "risk",
}

// demoRecentReplies are this week's unread replies waiting in the inbox.
var demoRecentReplies = map[string]string{
	"Aisha Khan":         "Can we do Thursday afternoon instead? Baby has her jabs in the morning",
	"Bernadette O'Neill": "Went to the café again Saturday, lovely bunch. Thank you for sorting it x",
	"Dev Patel":          "Got the letter from the council, not sure what it means. Can you ring me?",
	"Margaret Ellis":     "Choir was grand. Anne says I can do a solo at Christmas!",
	"Ken Holroyd":        "Not been out since the funeral. Some days I can't see the point of going on",
}
