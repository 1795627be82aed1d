package triage

import "strings"

// Concept groups give the model a little of what a reader already knows:
// that "weds", "Friday" and "tomorrow" are all days, that "ring", "bell" and
// "phone" all mean a call, that "lush", "brill" and "chuffed" are all good.
// With a couple of thousand examples a model cannot learn every synonym on
// its own; a word that belongs to a group adds the group as one more hashed
// feature, next to the word itself, and so does each word pair that holds a
// group ("cannot DAY", "DAY instead"). Words are in normalised form.
// Risk words are deliberately not grouped: their meaning depends on context
// ("dying for a cuppa"), which the word pairs and the rules carry.
var conceptWords = map[string]string{}

var concepts = map[string]string{
	"DAY": "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed weds thu thur thurs fri sat sun " +
		"tomorrow tomoz today weekend week wk nxt next morning afternoon evening mornings afternoons evenings " +
		"1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th 11th 12th 13th 14th 15th 16th 17th 18th 19th 20th 21st 22nd 23rd 24th 25th 26th 27th 28th 29th 30th 31st morra noo",
	"MOVE": "move rearrange reschedule postpone cancel cancelled change swap rebook instead later earlier delay skip " +
		"push bring forward different another other slot date dates time times clash clashes",
	"LATE":  "late running behind traffic mins minutes",
	"APPT":  "appointment appointments appt session sessions visit meeting check checkin",
	"CALL":  "call ring phone bell speak talk chat natter rang called calls ringing phoning voicemail email whatsapp zoom video meet",
	"MSG":   "text texts texting textin message messages messaging reminders reminder sms number list spam block blocking contact contacting",
	"STOP":  "stop stopp stahp unsubscribe unsub remove delete opt quit enough leave withdraw erase discharge",
	"THANK": "thanks thank ta cheers appreciate appreciated grateful thankful thx ty",
	"GOOD": "good great better brilliant brill bril lovely happy fab fabulous amazing awesome lush mint sound grand " +
		"chuffed buzzing buzzin enjoyed enjoying enjoy love loved loving best proud positive hopeful calm excited " +
		"smashing braw gr8 gd wonderful fantastic nice glad pleased relieved confident stronger brighter",
	"BAD": "low down sad lonely alone tired exhausted knackered rubbish awful terrible miserable depressed depression " +
		"anxious anxiety stressed stress worried worry struggling struggle crap fed upset crying cry tearful empty numb " +
		"hopeless isolated lost stuck overwhelmed gutted blue rough bad worse hate useless worthless failure panic " +
		"nervous grief drained shattered scunnered shite pants meh unhappy lonely teary wreck bits mess",
	"Q":      "what when where who how why which",
	"YES":    "yes yeah yep yeh yup aye ok okay k kk sure confirmed confirm noted received righto",
	"NO":     "no nope nah naw",
	"ARRIVE": "here arrived outside parked reception door way",
	"GROUP": "group groups club class classes choir walking walk coffee lunch art gardening allotment swimming shed bingo quiz " +
		"course befriender volunteering volunteer library centre",
	"HELP": "help advice form forms letter letters benefits pip council housing bills bill referral grant rent debt " +
		"arrears landlord application support",
	"ILL":    "cold covid poorly ill sick bug hospital dentist gp doctor doctors op flu chickenpox isolating",
	"FAMILY": "son daughter mum dad husband wife grandkids grandson granddaughter nan grandad gran sister brother kids children family",
	"HOME":   "tea dinner shops asda tesco market telly snooker racing jigsaw bath hairdressers church mosque gurdwara garden",
	"FUN":    "lol haha hahaha lmao rofl pmsl",
}

func init() {
	for c, ws := range concepts {
		for _, w := range strings.Fields(ws) {
			conceptWords[w] = c
		}
	}
}
