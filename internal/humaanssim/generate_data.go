package humaanssim

// The generator's vocabulary. Names mix several languages, a few with non-ASCII letters so
// that encoders and email folding are exercised.

var firstNames = []string{
	"Olivia", "Liam", "Amelia", "Noah", "Isla", "Oliver", "Ava", "Elijah", "Mia", "James",
	"Sofia", "Lucas", "Hana", "Kenji", "Aroha", "Tama", "Zoë", "José", "Søren", "Chloé",
	"Priya", "Arjun", "Fatima", "Omar", "Mei", "Wei", "Yuki", "Haruto", "Ingrid", "Lars",
	"Grace", "Henry", "Leah", "Samuel", "Nora", "Daniel", "Maya", "Ethan", "Ruby", "Jack",
	"Aisha", "Kwame", "Chiara", "Marco", "Elena", "Mateo", "Lucía", "Diego", "Anika", "Felix",
	"Clara", "Hugo", "Freya", "Oscar", "Ivy", "Leo", "Emma", "Theo", "Sara", "Adam",
}

var middleNames = []string{"Rose", "James", "Marie", "Alexander", "Grace", "Lee", "Anne", "John"}

var lastNames = []string{
	"Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson", "Thomas",
	"Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes",
	"Edwards", "Green", "Hall", "Wood", "Harris", "Martin", "Jackson", "Clarke", "Nguyen",
	"García", "Müller", "Schmidt", "Rossi", "Bianchi", "Tanaka", "Suzuki", "Sato", "Kim",
	"Park", "Chen", "Wang", "Patel", "Singh", "Khan", "Okafor", "Mensah", "Ngata", "Parata",
	"Larsen", "Jensen", "Novak", "Kowalski", "Dubois", "Lefèvre", "O'Brien", "Murphy",
	"Fernández", "López", "Silva", "Costa", "Ivanova", "Haddad", "Cohen",
}

// department is a department with its teams and titles.
type department struct {
	name      string
	weight    int
	head      string
	manager   string
	teams     []string
	icTitles  []string
	seniorOne string
}

var departments = []department{
	{"Engineering", 30, "VP of Engineering", "Engineering Manager",
		[]string{"Platform", "Payments", "Mobile", "Data"},
		[]string{"Software Engineer", "Senior Software Engineer", "Site Reliability Engineer",
			"QA Engineer", "Data Engineer"}, "Staff Engineer"},
	{"Sales", 15, "VP of Sales", "Sales Manager",
		[]string{"Enterprise Sales", "SMB Sales", "Sales Engineering"},
		[]string{"Account Executive", "Sales Development Representative", "Solutions Engineer"},
		"Senior Account Executive"},
	{"Marketing", 9, "Head of Marketing", "Marketing Manager",
		[]string{"Growth", "Content"},
		[]string{"Marketing Specialist", "Content Writer", "Growth Analyst"},
		"Senior Marketing Specialist"},
	{"Product", 8, "VP of Product", "Group Product Manager",
		[]string{"Core Product", "Product Operations"},
		[]string{"Product Manager", "Associate Product Manager"}, "Senior Product Manager"},
	{"Design", 6, "Head of Design", "Design Manager",
		[]string{"Product Design", "Brand"},
		[]string{"Product Designer", "UX Researcher", "Brand Designer"}, "Senior Product Designer"},
	{"Operations", 8, "Chief Operating Officer", "Operations Manager",
		[]string{"IT", "Workplace", "Customer Support"},
		[]string{"IT Specialist", "Workplace Coordinator", "Support Specialist"},
		"Senior Support Specialist"},
	{"Finance", 6, "Chief Financial Officer", "Finance Manager",
		[]string{"Accounting", "FP&A"},
		[]string{"Accountant", "Financial Analyst"}, "Senior Financial Analyst"},
	{"People", 6, "Chief People Officer", "People Partner Lead",
		[]string{"Talent", "People Operations"},
		[]string{"Recruiter", "People Partner", "People Operations Specialist"},
		"Senior Recruiter"},
}

// crossTeams are teams some people belong to beside their own.
var crossTeams = []string{"Incident Response", "Culture Club", "Security Champions"}

// office is a generated location; company is an index into the generated companies.
type office struct {
	label, city, country, countryCode, timezone, phonePrefix string
	company, weight                                          int
}

var offices = []office{
	{"London HQ", "London", "United Kingdom", "GB", "Europe/London", "+44 20 7946", 0, 32},
	{"New York", "New York", "United States", "US", "America/New_York", "+1 212 555", 1, 20},
	{"San Francisco", "San Francisco", "United States", "US", "America/Los_Angeles",
		"+1 415 555", 1, 14},
	{"Berlin", "Berlin", "Germany", "DE", "Europe/Berlin", "+49 30 5557", 0, 12},
	{"Tokyo", "Tokyo", "Japan", "JP", "Asia/Tokyo", "+81 3 5550", 2, 12},
	{"Auckland", "Auckland", "New Zealand", "NZ", "Pacific/Auckland", "+64 9 555", 0, 10},
}

// remotePlace is where a remote worker lives.
type remotePlace struct{ city, countryCode, timezone string }

var remotePlaces = []remotePlace{
	{"Lisbon", "PT", "Europe/Lisbon"},
	{"Toronto", "CA", "America/Toronto"},
	{"Sydney", "AU", "Australia/Sydney"},
	{"Mexico City", "MX", "America/Mexico_City"},
	{"Bengaluru", "IN", "Asia/Kolkata"},
	{"Honolulu", "US", "Pacific/Honolulu"},
}

var genders = []string{"Female", "Male", "Female", "Male", "Non-binary"}

// contractWeights lists contract types with their share in percent.
var contractWeights = []struct {
	kind   string
	weight int
}{{"fullTime", 85}, {"partTime", 7}, {"contractor", 5}, {"intern", 3}}

var streets = []string{"High Street", "Station Road", "Main Street", "Park Avenue", "Mill Lane"}

// emailFold maps the accented letters the name lists use to ASCII for email addresses.
var emailFold = map[rune]string{
	'ë': "e", 'é': "e", 'è': "e", 'ø': "o", 'í': "i", 'ü': "u", 'ç': "c", 'á': "a", 'ó': "o",
	'ú': "u", 'ñ': "n", '\'': "",
}
