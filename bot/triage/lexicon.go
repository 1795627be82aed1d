package triage

import "slices"

// The safety lexicon: phrases that always make a message urgent.
//
// How to read and extend it
//
//   - A pattern is a sequence of words separated by spaces. "a|b|c" matches
//     any one of the words; "[a|b]" matches one of them or nothing. Patterns
//     are written in normalised form (see normalise.go): lower case, no
//     apostrophes, contractions expanded ("i am", "cannot", "do not", "he
//     is"), so "I'm", "im" and "Im" all reach "i am".
//   - Words are compared as skeletons (every doubled letter cut to one), so
//     "kil", "kill" and "kiiill" meet, and so do "tabblets" and "tablets".
//   - A match is only whole words in a row; "skill myself" is not "kill
//     myself". "_" joins words inside one alternative
//     ("too_many|a_bottle"). "$" matches the end of the message: "cannot go on $" is
//     "I can't go on" said and left, not "I can't go on the trip"; "^"
//     first in a pattern matches the start ("^ help me $" is the whole
//     message, not "can you help me").
//   - "@name" stands for every word of a word class (wordClasses below):
//     "@killing @self" is "kill|kills|killing myself|himself|herself|…". Use
//     the classes so that a phrase covers the person writing AND the
//     person they fear for ("I want to end my life", "she wants to end her
//     life"): fear for someone else's safety is risk too.
//   - "'s" after any other word reads as "is" ("the electric's off" is
//     "the electric is off"), so write "mum is", not "mums".
//   - A match is ignored when "used to" comes within the three words before
//     it, or "had" comes right before it ("I used to feel suicidal", "I had
//     chest pain in May"): past risk is left to the model, which has been
//     trained on resolved and recent past alike. So is a match denied or put
//     behind the writer by the words right before it (deniedOrOverBefore:
//     "I'm not suicidal", "free of self harm", "lost him to an overdose"), one
//     followed within four words by "years ago" ("the overdose was two years
//     ago"), and one that starts inside an everyday idiom (harmlessIdioms:
//     "shot myself in the foot"). Nothing else suppresses a rule.
//   - Every entry carries an Example, a message it must match; a test checks
//     each one, and checks that the everyday idioms in idioms_test.go and
//     every non-risk line of the dataset match no rule. Add an example
//     whenever you add a pattern.
//   - Keep single words out unless they cannot be everyday speech ("kms",
//     "suicidal"). "suicide", "die", "rope" and "knife" alone are not rules:
//     "suicide prevention walk", "dying for a cuppa", "end of my rope".
//
// Sources of the phrases: what link workers hear, NHS and Samaritans guidance
// on warning signs (talk of being a burden, putting affairs in order, saying
// goodbye, hoarding medication), SafeLives on domestic abuse (threats to
// kill, strangulation, control of money and phones), NHS 999 red flags
// (crushing chest pain, stroke signs, not breathing, unresponsive), and the
// basics of staying safe tonight (food, heat, a roof).

// Category groups the lexicon so a link worker sees what kind of risk a rule
// found.
type Category string

// The kinds of risk the lexicon covers.
const (
	Suicide      Category = "suicide"        // thoughts, plans or goodbyes
	SelfHarm     Category = "self_harm"      // hurting oneself
	Method       Category = "method"         // means and methods, overdoses
	Abuse        Category = "abuse"          // violence, threats, control
	Medical      Category = "medical"        // a medical emergency
	BasicNeeds   Category = "basic_needs"    // no food, heat or home tonight
	OthersAtRisk Category = "others_at_risk" // fear for someone else
	Crisis       Category = "crisis"         // asks for help, not safe now
)

// Entry is one rule of the lexicon.
type Entry struct {
	Category Category
	Pattern  string // see the package comment of this file for the syntax
	Example  string // a real-sounding message the pattern must match
}

// wordClasses are the word lists "@name" stands for in a pattern: people
// (first and third person), possessives and the tenses of the verbs that
// carry risk. A phrase written once with them covers "I", "he", "she",
// "they" and "my mate" alike.
var wordClasses = map[string]string{
	// reflexives: every person, not just the one writing
	"self": "myself himself herself themselves themself",
	// possessives
	"poss": "my his her their",
	// the present forms of kill (the past, "killed himself", is usually
	// a bereavement and is left to the model)
	"killing": "kill kills killing",
	// ongoing or habitual self-harm (the bare past "cut himself" is
	// usually an accident and is left out)
	"harming": "hurts hurting harms harming harmed cuts cutting burns burning starves starving punches punching hits hitting",
	// people who hurt someone at home
	"abuser": "he she they partner husband wife boyfriend girlfriend fella dad father mum mother son daughter stepdad stepmum ex carer brother uncle law laws",
	// what they do to them
	"violent": "hit hits hitting beat beats beating punched punches punching kicked kicks kicking strangled strangles strangling choked chokes choking slapped slaps slapping raped rapes abused abuses abusing hurts hurting",
	// the people someone may fear for
	"kin": "wife husband partner girlfriend boyfriend kids children child son daughter sons daughters mum mother dad father nan gran grandad grandkids grandchildren sister brother baby",
}

// Lexicon is the curated list of risk phrases, matched after normalisation
// (normalise.go): the core list and the rules written from the training
// set's own out-of-fold misses.
var Lexicon = append(slices.Clip(coreLexicon), fromTrainingMisses...)

// coreLexicon holds the rules that choose the risk threshold with the
// model (Train): all but fromTrainingMisses.
var coreLexicon = []Entry{
	// First and third person, written once with word classes.
	{Suicide, "@killing @self", "they keep talking about killing themselves"},
	{Suicide, "tried|tries|trying|attempted|attempting to kill|hang|drown|gas|poison|shoot @self", "my brother tried to hang himself on Saturday"},
	{Suicide, "attempt|attempted|attempting suicide", "she attempted suicide at the weekend"},
	{Suicide, "ending @poss life|lives", "he keeps talking about ending his life"},
	{Suicide, "want|wants|going|planning|plans|threatening|threatened|threatens to end @poss life|lives", "she says she wants to end her life"},
	{Suicide, "take|takes|taking @poss own life", "I'm worried she'll take her own life"},
	{Suicide, "wants|wishes to die|be_dead", "my dad wants to die"},
	{Suicide, "wish|wishes|wishing he|she|they|i was|were dead", "she keeps wishing she was dead"},
	{Suicide, "no point|reason in|for me|him|her|them living|to_live|going_on|carrying_on", "he says there's no point in him living"},
	{Suicide, "does not want to live|be_alive|wake_up", "my mum doesn't want to be alive"},
	{Suicide, "keeps|keep talking about suicide|dying|ending_it", "my husband keeps talking about dying"},
	{Suicide, "do something to @self", "I'm scared she'll do something to herself"},
	{Suicide, "saying|said @poss goodbyes", "my friend's been saying his goodbyes"},
	{Suicide, "giving|given|gave away @poss things|stuff|belongings|possessions", "he's giving away his things"},
	{Suicide, "giving|given|gave @poss things|stuff|belongings|possessions away", "she's given her belongings away"},
	{Suicide, "i will not be here|around $", "thanks for everything, I won't be here"},
	{Suicide, "i will be gone $", "don't book me in, I'll be gone"},
	{SelfHarm, "@harming @self", "my daughter's been cutting herself"},
	{SelfHarm, "to|will|would|might|could hurt|harm|cut|burn @self", "I'm scared he'll hurt himself"},
	{SelfHarm, "hit|hits|hitting|bang|bangs|banging @poss head against|on_the_wall", "he keeps banging his head against the wall"},
	{SelfHarm, "cut|cuts|cutting|slit|slits|slitting|burn|burns|burning @poss wrists|arms|legs|thighs", "she's been cutting her arms"},
	{Method, "hang|hangs|hanging|shoot|shoots|shooting|drown|drowning @self", "they said they'd drown themselves"},
	{Method, "take|taking|taken|took|swallow|swallowed all @poss pills|tablets|meds|medication", "she's going to take all her pills"},
	{Method, "stockpiling|stockpiled|hoarding|saving|saved [up] @poss pills|tablets|meds|medication", "my dad has been hoarding his tablets"},
	{Abuse, "@abuser @violent me|her|them|us", "their dad hits them"},
	{Abuse, "@violent the_kids|the_children|the_baby|my_kids|my_children", "he's hurting the kids"},
	{Abuse, "hitting|beating|hurting|abusing|strangling his|her|their @kin", "he's hitting his wife"},
	{Abuse, "is|are|am|feel|feels not safe with|around|at|in", "the kids aren't safe with him"},
	{Abuse, "does|do|never not feel|feels safe", "she doesn't feel safe at home"},
	{Medical, "pain|pains|tightness|pressure in @poss chest", "pressure in his chest"},
	{Medical, "clutching|holding|grabbing @poss chest", "my husband's clutching his chest"},
	{Medical, "struggling|fighting for|to breathe", "she's struggling to breathe"},
	{Medical, "throat|tongue|lips is|are swelling|swollen|closing", "my throat is swelling"},
	{Medical, "lips|face|skin is|are|has|have gone|turned|going blue|grey", "his lips are going blue"},
	{Medical, "he|she|they is|are not responding|moving|breathing|waking|conscious", "she's not responding"},
	{Medical, "unconscious", "my dad is unconscious"},
	{Medical, "face is|has drooping|droopy|dropped|gone_droopy", "her face is drooping"},
	{Medical, "cannot lift @poss arm|arms|leg", "he can't lift his arm"},
	{Medical, "allergic reaction", "I'm having an allergic reaction"},
	{BasicNeeds, "sleeping|slept|sleep on a|the bench|benches|street|streets", "been sleeping on a bench"},
	{BasicNeeds, "sleeping|slept|sleep in a|the doorway|doorways|park|bus_shelter|stairwell|station|bus_station|tent", "I slept in the park last night"},
	{BasicNeeds, "made_homeless|homeless_tonight|homeless_now", "we've been made homeless"},

	// Categories of training-set risk no rule covered, generalised by
	// person, tense and place rather than copied line by line.
	{Suicide, "top|topping @self", "my partner said he'll top himself"},
	{Suicide, "do something bad|stupid|silly|daft to @self", "I feel like I'm going to do something bad to myself"},
	{Suicide, "not being around|here much longer", "my husband's been talking about not being around much longer"},
	{Suicide, "only way out", "the only way out is to end it"},
	{Suicide, "not bother waking", "I'm going to go to sleep and not bother waking"},
	{Method, "walk|walks|walking|walked|step|stepping|jump|jumping into the river|sea|canal|lake|water|reservoir", "thinking of just walking into the river"},
	{Method, "walk|walks|walking|step|steps|stepping|throw_myself|throw_himself|throw_herself in front of a|the bus|train|lorry|car|tram", "he says he's going to walk in front of a bus"},
	{Method, "crash|crashing the|my car on purpose", "I keep thinking about crashing the car on purpose"},
	{Method, "stockpiling|hoarding|saving @poss sleeping pills|tablets", "she's been hoarding her sleeping tablets"},
	{Method, "holding the|a blade|razor", "I've been holding the blade again"},
	{Method, "everything in the medicine box|cabinet", "she's going to swallow everything in the medicine box"},
	{SelfHarm, "till|until i|it|they bleed|bled|bleeds", "I can't stop scratching till I bleed"},
	{SelfHarm, "hand|hands|face|skin|head|stomach|chest on purpose", "I've scratched my face on purpose"},
	{SelfHarm, "lighter|cigarette|cigarettes|iron|kettle|razor on purpose", "I burnt my hand with the lighter on purpose"},
	{Abuse, "he|she|they|husband|wife|partner|boyfriend|girlfriend|ex|dad|son has|keeps|is @violent me|her|them|us", "I can hear them, he's hurting her again"},
	{Abuse, "knocks|knocked|knocking|knock me|her|them about|around", "her husband knocks her about"},
	{Abuse, "pinned me|her against", "he's pinned me against the wall"},
	{Abuse, "hold of my|her|his throat|neck", "he's got hold of my throat before"},
	{Abuse, "threatens|threatened|threatening me|her|us with", "she threatens me with the knife"},
	{Abuse, "torch|set_fire_to|burn_down the|my|our house|flat|home", "he says he'll torch the house"},
	{Abuse, "rough with the baby|kids|children", "her partner is rough with the baby"},
	{Abuse, "hitting|beating|slapping|abusing|hurting my @kin", "the staff have been hitting my mum"},
	{Medical, "vomiting|throwing_up|bringing_up blood", "I've been vomiting blood"},
	{Medical, "pumping|spurting|gushing|pouring blood", "I've cut my leg and it's pumping blood"},
	{Medical, "gone|dropped|drooping to one side", "her mouth's gone to one side"},
	{Medical, "cannot get @poss words out", "my wife can't get her words out"},
	{Medical, "@kin|he|she|they is|are choking", "my husband's choking"},
	{Medical, "floppy and", "the baby's really floppy and hot"},
	{Medical, "bathroom|kitchen|bedroom|hall floor since|all_night|for_hours", "my nan's been on the bathroom floor since last night"},
	{Medical, "fall and he|she|they is|are not", "my nan's had a fall and she's not talking"},
	{BasicNeeds, "sleeping|slept|living|kipping in the|my|a|our|his|her car|van", "we're sleeping in the car with the kids"},
	{BasicNeeds, "kipping|sleeping|living on the street|streets", "I've been kipping on the streets since Sunday"},
	{BasicNeeds, "on the street|streets by|since|now", "I'll be on the streets by the weekend"},
	{BasicNeeds, "power|electric|electricity|gas|heating [is|has] [been] cut_off", "the power's been cut off"},
	{BasicNeeds, "put out of my|the|our room|flat|house|home", "I've been put out of my room"},
	{BasicNeeds, "not had a proper meal", "I haven't had a proper meal in days"},
	{OthersAtRisk, "lights have not been on", "her lights haven't been on for days"},
	{OthersAtRisk, "curtains [have|has] [been] shut|drawn for|since|all_week", "he's had his curtains shut for a week"},
	{OthersAtRisk, "his|her|their curtains [have|has] [been] shut|drawn", "her curtains have been drawn and the milk's on the step"},
	{Crisis, "send someone|somebody", "please send someone"},
	{Crisis, "need someone|somebody now|here", "I need someone now"},
	{Crisis, "scared|frightened|afraid of myself", "I'm really scared of myself tonight"},
	{Crisis, "cannot be on my own right_now|tonight", "I can't be on my own right now"},
	{Crisis, "cannot keep going $|like_this|anymore|any_more", "I can't keep going like this"},

	// Suicidal thoughts, said straight.
	{Suicide, "want|wanting|wish to die", "I want to die"},
	{Suicide, "want|wanting to be dead", "some days I want to be dead"},
	{Suicide, "wish i was|were dead", "i wish i was dead"},
	{Suicide, "[i] should just die", "i shud just die"},
	{Suicide, "kill|killing|kil myself", "I'm going to kill myself"},
	{Suicide, "kill myself tonight", "gonna kms tonight"},
	{Suicide, "suicidal", "feeling suicidal again"},
	{Suicide, "commit|committing suicide", "I'm going to commit suicide"},
	{Suicide, "think|thinking|thought|thoughts about|of suicide", "I think about suicide every day now"},
	{Suicide, "end|ending my life", "thinking of ending my life"},
	{Suicide, "take|taking my own life", "I want to take my own life"},
	{Suicide, "end|ending it all", "want to end it all"},
	{Suicide, "end|ending everything", "I feel like ending everything"},
	{Suicide, "thinking|thought|thoughts about|of|a ending it", "i keep thinking about ending it"},
	{Suicide, "i am|will ending|end it tonight", "i've had enough, i'm ending it tonight"},
	{Suicide, "going to end it", "am gonnae end it"},
	{Suicide, "might [as] [well] [just] end it", "might as well just end it"},
	{Suicide, "i should just end it", "i should just end it"},
	{Suicide, "i will end it", "i'll end it"},
	{Suicide, "no reason|point [to|in] live|living|go_on|going_on|carry_on", "there's no reason to live anymore"},
	{Suicide, "nothing [left] to live for", "i have nothing left to live for"},
	{Suicide, "reason to go on", "since Margaret died I've no reason to go on"},
	{Suicide, "not|no worth living", "my life is not worth living"},
	{Suicide, "life is not worth", "life's not worth it"},
	{Suicide, "lost the will to live", "i've lost the will to live"},
	{Suicide, "want|wanting|wish it all to stop|end", "I just want it all to stop"},
	{Suicide, "do not want to be_here|be_alive|exist", "I don't want to be here anymore"},
	{Suicide, "want to not exist", "I just want to not exist"},
	{Suicide, "cannot|can_not go on $|like_this|anymore|any_more", "I can't go on like this anymore"},
	{Suicide, "cannot go on living", "I cannot go on living"},
	{Suicide, "cannot carry on $|like_this|anymore|any_more", "I can't carry on"},
	{Suicide, "cannot take it|this anymore|any_more", "I can't take it anymore"},
	{Suicide, "cannot take any more", "cannae take any more, am done wi life"},
	{Suicide, "cannot do this anymore", "i can't do this anymore"},
	{Suicide, "done|finished with life|living", "I'm done with life"},
	{Suicide, "had enough of life|living", "I've had enough of life"},
	{Suicide, "tired|sick of living|life|being_alive", "I'm so tired of living"},
	{Suicide, "hate being alive", "I hate being alive"},
	{Suicide, "better off dead|without_me", "everyone would be better off without me"},
	{Suicide, "better off if i was|were gone|dead|not_here", "they'd all be better off if I was gone"},
	{Suicide, "better without me", "the world would be better without me"},
	{Suicide, "better dead", "everyone hates me and I'd be better dead"},
	{Suicide, "[a] burden to|on everyone|everybody|you|them|my", "I'm a burden to everyone"},
	{Suicide, "feel like a burden", "I feel like a burden"},
	{Suicide, "no one would [even] notice|miss|care if i was|were|went|died|disappeared|vanished|just|never|was_not|were_not|killed|ended|stopped", "nobody would even notice if I was gone"},
	{Suicide, "no one would miss me", "no one would miss me"},
	{Suicide, "no one would care if i died|was|were", "no one would care if I died"},
	{Suicide, "[go] to sleep and not|never wake up", "I want to go to sleep and not wake up"},
	{Suicide, "hope i do not wake up", "i hope i dont wake up tomorrow"},
	{Suicide, "sleep forever", "I just want to go to sleep forever"},
	{Suicide, "disappear forever", "i want to disappear forever"},
	{Suicide, "want to disappear and never come back", "I want to disappear and never come back"},
	{Suicide, "want out of this life", "I just want out of this life"},
	{Suicide, "cannot cope anymore i want out", "i cant cope anymore i want out"},
	{Suicide, "can_not|cannot see a way out", "I can't see a way out except ending it"},
	{Suicide, "no future for me", "there's no future for me"},
	{Suicide, "thinking|think about dying|death all", "i think about death all the time and i want it"},
	{Suicide, "cannot stop thinking about dying", "i cant stop thinking about dying"},
	{Suicide, "all i think about is dying", "all I think about is dying"},
	{Suicide, "death|dying would be a relief", "dying would be a relief at this point"},
	{Suicide, "ways to die|end_it|kill_myself", "I've been looking up ways to die"},
	{Suicide, "how to kill myself", "looked up how to kill myself"},
	{Suicide, "want to join my wife|husband|partner", "I want to join my wife"},
	{Suicide, "want to be with my wife|husband [again]", "I want to be with my husband again"},
	{Suicide, "tried to kill myself", "I tried to kill myself last week and I still want to"},
	{Suicide, "do something stupid|silly|daft tonight", "going to do something stupid tonight"},
	{Suicide, "thinking of doing something stupid|silly", "I'm thinking of doing something silly"},
	{Suicide, "going to do something stupid|silly", "my friend said he's going to do something stupid"},
	{Suicide, "make it through the night", "I don't think I'll make it through the night"},
	{Suicide, "will be gone by morning", "i'll be gone by morning"},
	{Suicide, "will not be around much longer", "I won't be around much longer to bother you"},
	{Suicide, "not have to worry about me much longer", "you won't have to worry about me much longer"},
	{Suicide, "decided not to be here", "I've decided not to be here at Christmas"},
	{Suicide, "not need it where i am going", "won't need it where I'm going"},
	{Suicide, "this is goodbye", "this is goodbye, thank you for trying"},
	{Suicide, "this is my last message|text", "this is my last message"},
	{Suicide, "last text|message you will get", "last text you'll get from me"},
	{Suicide, "goodbye letters|letter|messages|note", "I'm writing my goodbye letters"},
	{Suicide, "said my goodbyes", "sorted my will and said my goodbyes"},
	{Suicide, "left|written|wrote|writing a note", "I've left a note"},
	{Suicide, "letters to my kids|children|family just in case", "I've written letters to my kids just in case"},
	{Suicide, "do not see the point in going on|living", "I don't see the point in going on"},
	{Suicide, "nothing left for me", "there's nothing left for me"},
	{Suicide, "point of anything i am done", "what's the point of anything, I'm done"},
	{Suicide, "tell my mum|dad|son|daughter|kids|wife|husband i love|am_sorry", "please tell my mum I love her"},
	{Suicide, "do not bother booking me in", "don't bother booking me in"},
	{BasicNeeds, "kicked me out", "they've kicked me out tonight"},
	{OthersAtRisk, "curtains closed", "curtains closed all week and no answer"},
	{Medical, "not passed water", "I've not passed water in two days"},
	{Suicide, "sorted [out] who gets", "I've sorted out who gets the dog"},
	{Suicide, "written down who gets what", "I've written down who gets what"},
	{Suicide, "given all my things|stuff away", "I've given all my things away"},
	{Suicide, "when i am gone", "please look after my kids when I'm gone"},
	{Suicide, "off now for good", "ta for trying, I'm off now for good"},
	{Suicide, "checking out permanently|for_good", "I'm checking out permanently"},
	{Suicide, "it will all be over soon", "not long now, it'll all be over soon"},
	{Suicide, "stop hurting for good", "soon it'll stop hurting for good"},
	{Suicide, "at peace soon", "I'll be at peace soon"},
	{Suicide, "plan and the means", "I have a plan and the means"},
	{Suicide, "made my plan", "i've made my plan"},
	{Suicide, "picked a date", "I've picked a date"},
	{Suicide, "decided how i am going to do it", "I've decided how I'm going to do it"},
	{Suicide, "how i would do it", "I know how I'd do it"},
	{Suicide, "everything i need to do it", "I've got everything I need to do it"},
	{Suicide, "tonight is the night", "tonight's the night, I'm ready"},
	{Suicide, "nearly did it", "I nearly did it last night"},
	{Suicide, "tried last night", "I tried last night but it didn't work"},
	{Suicide, "woke up in hospital after i tried", "I woke up in hospital after I tried"},
	{Suicide, "angry i survived", "I'm angry I survived"},
	{Suicide, "voices are telling me", "the voices are telling me to hurt myself"},
	{Suicide, "telling me i would be better off dead", "I've been hearing things telling me I'd be better off dead"},
	{Suicide, "easier if i [just] was not here", "it would be easier if I just wasn't here"},
	{Suicide, "wish i had|would never been born", "I wish I'd never been born"},
	{Suicide, "stop taking my tablets|meds|insulin and", "I'm going to stop taking my tablets and not eat"},
	{Suicide, "stopped taking my insulin|tablets|meds on purpose", "I've stopped taking my insulin on purpose"},
	{Suicide, "want to fade away", "I've stopped eating, I want to fade away"},
	{Suicide, "see to it myself", "I've had enough and I'll see to it myself"},
	{Suicide, "want to die", "i want 2 die"},
	{Suicide, "want to dye $|tbh|lol", "i want to dye tbh"},
	{Suicide, "i am done goodbye", "I'm done, goodbye"},
	{Suicide, "bye everyone", "bye everyone"},

	{Suicide, "everyone would be better off", "I'm a waste of space and everyone would be better off"},
	{Suicide, "better if i am|was gone", "I'm just a burden, better if I'm gone"},
	{Suicide, "better for everyone if i", "it'd be better for everyone if I wasn't around"},
	{Suicide, "happier if i [just] disappeared|was_gone|was_not_here", "everyone would be happier if I just disappeared"},
	{Suicide, "affairs are in order", "my affairs are in order now"},
	{Suicide, "for when i am not here", "it's all sorted for when I'm not here"},
	{Suicide, "cannot do it|this anymore|any_more", "can't do it anymore, really can't"},
	{Suicide, "can|cannot do this much longer", "I don't think I can do this much longer"},
	{Suicide, "scared i am going to do something", "I'm scared I'm going to do something"},
	{Suicide, "giving her|his|my stuff|things away", "she's giving her stuff away"},
	{Suicide, "saying goodbye to everyone", "my friend's saying goodbye to everyone"},

	{Suicide, "easier to not be here", "I've been thinking it would be easier to not be here"},
	{Suicide, "giving my things|stuff to", "I've started giving my things to my sister"},
	{Suicide, "to open after", "I've written a letter for my daughter to open after"},
	{Suicide, "problem|burden for anyone much longer", "I won't be a problem for anyone much longer"},
	{Suicide, "point to anything", "there's no point to anything, I want to go"},
	{Suicide, "sleep for ever", "I want to go to sleep for ever"},
	{Suicide, "do not want to wake up", "I just don't want to wake up tomorrow"},
	{Suicide, "do not want to live", "I don't want to live anymore"},
	{Suicide, "rather be dead", "I'd rather be dead"},
	{Suicide, "better off in the ground", "I'd be better off in the ground"},
	{Suicide, "end my pain for good", "I want to end my pain for good"},
	{Suicide, "do not want to carry on living", "I don't want to carry on living like this"},

	{Suicide, "stop existing|living", "I just want to stop existing"},
	{Suicide, "want it to be over", "I want it to be over for good"},
	{Suicide, "fall asleep and never|not wake", "I want to fall asleep and never wake"},
	{Suicide, "wishing i was|were dead", "I keep wishing I was dead"},
	{Suicide, "die in my sleep", "I wish I'd die in my sleep"},
	{Suicide, "i hope i die", "I hope I die"},
	{Suicide, "hope i get hit by", "I hope I get hit by a bus"},
	{Suicide, "do not care if|whether i die|live", "I don't care if I die"},
	{Suicide, "ready to die", "I'm ready to die"},
	{Suicide, "instructions for my funeral", "I've left instructions for my funeral"},
	{Suicide, "funeral plan and i am ready", "I've sorted my funeral plan and I'm ready"},
	{Suicide, "will not be here for christmas|long", "I won't be here for Christmas, I've decided"},
	{Suicide, "wants to end his|her|their life", "my son says he wants to end his life"},

	// Self-harm.
	{SelfHarm, "hurt|hurting|harm|harming|cut|cutting|burn|burning myself", "I keep hurting myself"},
	{SelfHarm, "self harm|harming|harmed", "I've started self harming again"},
	{SelfHarm, "cutting again", "I've been cutting again"},
	{SelfHarm, "cut|slit|slitting|cutting my wrists|arms", "thinking about slitting my wrists"},
	{SelfHarm, "relapsed and cut", "i relapsed and cut"},
	{SelfHarm, "want|need to cut $", "I need to cut"},
	{SelfHarm, "urge to cut|self", "the urge to cut is back"},
	{SelfHarm, "scratching my arms", "I've been scratching my arms till they bleed"},
	{SelfHarm, "hit myself", "I hit myself when I get like this"},
	{SelfHarm, "starving myself", "I've been starving myself on purpose"},
	{SelfHarm, "cannot keep myself safe", "I can't keep myself safe tonight"},
	{SelfHarm, "do not trust myself", "I don't trust myself tonight"},
	{SelfHarm, "scared|afraid|frightened of what i might|will do", "i'm scared of what I might do"},
	{SelfHarm, "someone to stop me", "I need someone to stop me"},

	// Means and methods; overdoses.
	{Method, "stockpiling|stockpiled|hoarding|saving|saved|keeping [up] my|the meds|tablets|pills", "I've been stockpiling my meds"},
	{Method, "saving|saved up my|the tablets|pills|meds", "been saving up my tablets"},
	{Method, "keeping my meds|tablets|pills back", "been keeping my meds back for when I need them"},
	{Method, "enough pills|tablets saved", "I've got enough pills saved to do it"},
	{Method, "pills|tablets put by", "I've got my dad's old pills put by"},
	{Method, "tablets|pills are lined up", "the tablets are lined up on the table"},
	{Method, "looking_at|holding the tablets|pills", "I keep looking at the tablets in the cupboard"},
	{Method, "pills in my hand", "last night I had the pills in my hand"},
	{Method, "how many paracetamol|tablets|pills", "how many paracetamol it takes"},
	{Method, "taken|took|swallowed too_many|all_my|a_load_of|a_bottle", "I've taken too many tablets"},
	{Method, "swallowed a load", "i've swallowed a load of paracetamol"},
	{Method, "overdose|overdosed|overdosing|overdoses", "I overdosed last night"},
	{Method, "took|taken an overdose", "took an od"},
	{Method, "bought a rope", "I've bought a rope"},
	{Method, "the rope is ready", "the rope's ready"},
	{Method, "got|has a rope in", "my friend has a rope in his room"},
	{Method, "a rope and", "he's got a rope and he's not answering"},
	{Method, "belt on the door", "there's a belt on the door"},
	{Method, "practising with the belt", "I've been practising with the belt"},
	{Method, "hang|hanging myself|himself|herself", "i am going to hang myself"},
	{Method, "got a blade", "I've got a blade"},
	{Method, "knife in my hand", "I've got the knife in my hand"},
	{Method, "holding a knife", "I'm holding a knife"},
	{Method, "gas is on and the windows", "the gas is on and the windows are shut"},
	{Method, "engine running in the garage", "sat in the car with the engine running in the garage"},
	{Method, "jump off|from|in_front", "my mate said he's going to jump off the bridge"},
	{Method, "going to jump", "going to jump"},
	{Method, "standing|sat|sitting on|at the bridge|edge|cliff|roof", "I'm standing on the bridge"},
	{Method, "i am on the bridge|roof|railway|edge|ledge", "i'm on the bridge"},
	{Method, "on the railway line", "I'm on the railway line"},
	{Method, "top of the car park", "I'm at the top of the car park"},
	{Method, "edge of the cliff|platform|roof", "I'm sat on the edge of the cliff"},
	{Method, "climbed onto the roof", "I've climbed onto the roof"},
	{Method, "stepping in front of a train", "thinking about stepping in front of a train"},
	{Method, "hit by a car|train", "I want to be hit by a car"},
	{Method, "drive into a wall", "I'm going to drive into a wall"},
	{Method, "walk into the sea", "going to walk into the sea"},
	{Method, "canal|river|sea|lake and i want to go in", "I'm by the canal and I want to go in"},
	{Method, "bridge again", "looked at the bridge again today"},
	{Method, "cliff top", "been standing at the cliff top a lot lately"},
	{Method, "motorway bridge", "i drove to the motorway bridge and sat there for hours"},
	{Method, "jump off something", "I want to jump off something high"},
	{Method, "shoot himself|herself|myself", "my dad said he's going to shoot himself"},
	{Method, "tried to hang|overdose", "i tried to hang myself on sunday"},

	// Abuse, threats and control.
	{Abuse, "he|she|they is|are going to kill me", "he's going to kill me"},
	{Abuse, "said|says he|she|they will|would kill me", "he said he'll kill me if I tell anyone"},
	{Abuse, "threatened|threatening to kill", "he's threatening to kill me"},
	{Abuse, "kill me if i tell|leave|left|go|say|do_not", "my boyfriend said he'd kill me if I left"},
	{Abuse, "kill the kids|children", "he said if I leave he'll kill the kids"},
	{Abuse, "put me in the ground", "he keeps saying he'll put me in the ground"},
	{Abuse, "he|she|partner|husband|wife|boyfriend|girlfriend|dad|son|ex|carer|stepdad hit|hits|hurt|hurts|beat|beats|punched|kicked|strangled|choked|slapped|slaps|pushes|raped me", "my partner hit me again last night"},
	{Abuse, "hit|hits|beat|beats|hurt|hurts me when", "he hits me when he's been drinking"},
	{Abuse, "beat me up", "he beat me up"},
	{Abuse, "beats|beat|hits her", "I'm scared for my sister, her fella beats her"},
	{Abuse, "hands round|around my neck", "he put his hands round my neck"},
	{Abuse, "threatened me", "she threatened me with a knife"},
	{Abuse, "scared|frightened|afraid to go home", "I'm scared to go home, he's there"},
	{Abuse, "frightened|scared|afraid of my husband|partner|boyfriend|wife|son|dad", "I'm frightened of my husband"},
	{Abuse, "hiding from him|her", "I'm hiding from him"},
	{Abuse, "hiding in the bathroom|bedroom", "I'm hiding in the bathroom"},
	{Abuse, "scared he will find me", "I'm scared he'll find me"},
	{Abuse, "found out where i live", "he found out where I live"},
	{Abuse, "locked me in", "he's locked me in the bedroom"},
	{Abuse, "lock me in", "they lock me in my room at the care home"},
	{Abuse, "will not let me out|see", "he took my phone and won't let me out"},
	{Abuse, "took|taken|takes my phone|passport|bank_card|bank_cards|pension|money", "he's taken my passport and my bank cards"},
	{Abuse, "not allowed out", "I'm not allowed out"},
	{Abuse, "checks my phone", "he checks my phone"},
	{Abuse, "do not feel safe", "I don't feel safe at home"},
	{Abuse, "i am not safe", "I'm not safe here"},
	{Abuse, "not safe here|tonight|at_home", "please call me, I am not safe here"},
	{Abuse, "they are going to hurt me", "they're going to hurt me"},
	{Abuse, "hurt me tonight", "they said they'll come round and hurt me tonight"},
	{Abuse, "will hurt me", "my ex said he'll hurt me"},
	{Abuse, "someone hurt me", "someone hurt me and I don't feel safe"},
	{Abuse, "stab|stabbed me", "there's a man outside shouting he'll stab me"},
	{Abuse, "break my legs", "they said they'll break my legs"},
	{Abuse, "burn the house down", "threatened to burn the house down"},
	{Abuse, "with a hammer|knife|gun", "my ex turned up with a hammer"},
	{Abuse, "has|got a gun|knife", "my son's got a knife and he's angry"},
	{Abuse, "banging the door", "he's outside my flat banging the door"},
	{Abuse, "trying to break in", "someone's trying to break in right now"},
	{Abuse, "raped", "he raped me"},
	{Abuse, "touches me", "my mum's boyfriend touches me"},
	{Abuse, "attacked", "I was attacked on the way home"},
	{Abuse, "being_stalked|following_me", "my ex keeps following me"},
	{Abuse, "threatening me", "somebody's threatening me and my kids"},
	{Abuse, "being blackmailed", "I'm being blackmailed"},
	{Abuse, "controls everything", "my husband controls everything"},
	{Abuse, "smashing the place up", "he's smashing the place up"},
	{Abuse, "drunk and i am frightened|scared", "he's drunk and I'm frightened"},
	{Abuse, "pushes me about", "my son pushes me about and takes my pension"},
	{Abuse, "shouts at me if i say no", "takes my bank card and shouts at me if I say no"},
	{Abuse, "takes my money and leaves me", "my carer takes my money and leaves me without food"},
	{Abuse, "threatened to kill me", "my son threatened to kill me for money"},
	{Abuse, "could kill him i mean it", "I'm so angry I could kill him, I mean it"},
	{Abuse, "going to hurt him|her", "I'm going to hurt him if he comes near me again"},
	{Abuse, "feel like hurting someone", "I feel like hurting someone"},
	{Abuse, "hurting|hurt my_baby|the_kids|the_baby", "I've thought about hurting my baby"},
	{Abuse, "i will hurt the kids|baby", "I'm scared I'll hurt the kids"},
	{Abuse, "shook the baby", "I shook the baby"},
	{Abuse, "bullied so bad i want to die", "I'm being bullied so bad I want to die"},

	// Medical emergencies (NHS 999 red flags).
	{Medical, "crushing pain", "crushing pain in my chest"},
	{Medical, "chest pain|pains", "I've got chest pains and I'm sweating"},
	{Medical, "pain in my chest", "the pain in my chest is really bad"},
	{Medical, "chest is tight", "my chest is tight and I can't breathe"},
	{Medical, "cannot breathe", "i cant breathe"},
	{Medical, "not breathing", "my dad's gone grey and he's not breathing properly"},
	{Medical, "is not breathing", "my baby isn't breathing right"},
	{Medical, "lips are going blue", "my lips are going blue"},
	{Medical, "gone|turned blue", "he's gone blue"},
	{Medical, "collapsed", "my husband's collapsed"},
	{Medical, "not_waking_up|will_not_wake_up", "he's not waking up"},
	{Medical, "unresponsive", "mum's unresponsive"},
	{Medical, "having a fit|seizure", "my husband's having a fit"},
	{Medical, "having a heart attack", "I think I'm having a heart attack"},
	{Medical, "having a stroke", "I think I'm having a stroke"},
	{Medical, "face has dropped", "my face has dropped on one side"},
	{Medical, "speech has gone", "my speech has gone funny"},
	{Medical, "arm|arms has|is gone numb", "my arm's gone numb"},
	{Medical, "coughing up blood", "I'm coughing up blood"},
	{Medical, "blood in my sick", "there's blood in my sick"},
	{Medical, "been sick blood", "I've been sick blood"},
	{Medical, "bleeding heavily|quite_a_lot", "I'm pregnant and bleeding heavily"},
	{Medical, "lost a lot of blood", "I've lost a lot of blood"},
	{Medical, "blood everywhere", "there's blood everywhere"},
	{Medical, "will not stop bleeding", "it won't stop bleeding"},
	{Medical, "fell|fallen and cannot get up", "I fell and can't get up"},
	{Medical, "on the floor since", "my nan's been on the floor since this morning"},
	{Medical, "cannot reach the phone", "I can't reach the phone"},
	{Medical, "cannot feel my legs", "I can't feel my legs"},
	{Medical, "banged|hit my|his|her head and", "I've banged my head and I'm being sick"},
	{Medical, "run out of insulin", "I've run out of insulin"},
	{Medical, "blood sugar is really low", "my blood sugar's really low"},
	{Medical, "baby is floppy", "my baby's floppy and won't wake up"},
	{Medical, "burning up", "she's burning up"},
	{Medical, "mum|dad|nan|she|he|husband|wife is not making sense", "my mum's not making sense"},
	{Medical, "leg|foot|toes has|is|have gone black", "my leg's gone black"},
	{Medical, "took something and i do not feel right", "I took something and I don't feel right"},
	{Medical, "there is a fire", "there's a fire in my flat"},

	// No food, heat or home tonight.
	{BasicNeeds, "no_food|nothing_to_eat", "no food in the house and no money till next week"},
	{BasicNeeds, "not eaten since|in|for", "haven't eaten since Tuesday"},
	{BasicNeeds, "had no_food|nothing_to_eat", "I've had no food for three days"},
	{BasicNeeds, "have not had a meal", "haven't had a meal since the weekend"},
	{BasicNeeds, "kids are hungry", "the kids are hungry and the food bank's shut"},
	{BasicNeeds, "cupboards are empty", "cupboards are empty"},
	{BasicNeeds, "living on tap water", "been living on tap water for days"},
	{BasicNeeds, "electric|electricity|gas|heating is|has off|gone", "the electric's off"},
	{BasicNeeds, "electric is off", "haven't eaten since Tuesday and the electric's off"},
	{BasicNeeds, "heating has|is been off", "the heating's been off for a week"},
	{BasicNeeds, "no gas|heat|heating|electric|electricity", "no gas no electric and it's freezing"},
	{BasicNeeds, "sat|sitting in the dark", "we're sat in the dark"},
	{BasicNeeds, "cannot feel my fingers", "I can't feel my fingers"},
	{BasicNeeds, "i am freezing", "I'm freezing, I'm 84"},
	{BasicNeeds, "nowhere to sleep|stay", "I've got nowhere to sleep tonight"},
	{BasicNeeds, "nowhere to go $|tonight|now|and|so|i|we|he|she", "they've thrown me out and I've got nowhere to go"},
	{BasicNeeds, "nowhere warm|else", "nothing to eat and nowhere warm"},
	{BasicNeeds, "on the street|streets tonight", "I'm on the street tonight"},
	{BasicNeeds, "sleeping|sleep rough", "I'm sleeping rough"},
	{BasicNeeds, "sleeping in my car", "sleeping in my car tonight"},
	{BasicNeeds, "in a doorway tonight", "in a doorway tonight"},
	{BasicNeeds, "i am homeless", "I'm homeless as of today"},
	{BasicNeeds, "kicked out", "I've been kicked out"},
	{BasicNeeds, "changed the locks", "the landlord changed the locks"},
	{BasicNeeds, "in the park all night", "I've been in the park all night"},
	{BasicNeeds, "being evicted tomorrow|today|tonight", "we're being evicted tomorrow"},
	{BasicNeeds, "evicted and", "I've been evicted and I've got nowhere to go"},

	// Fear for someone else.
	{OthersAtRisk, "talking about ending it", "he's talking about ending it"},
	{OthersAtRisk, "she|he wants to die", "my mum keeps saying she wants to die"},
	{OthersAtRisk, "going to end it", "my son says he's going to end it"},
	{OthersAtRisk, "goodbye messages|text|texts", "my friend's posted goodbye messages on facebook"},
	{OthersAtRisk, "being hurt|beaten", "I think my neighbour's kids are being hurt"},
	{OthersAtRisk, "hitting a child", "I saw a man hitting a child"},
	{OthersAtRisk, "kept prisoner", "the woman next door is being kept prisoner"},
	{OthersAtRisk, "cutting herself|himself", "my daughter's cutting herself"},
	{OthersAtRisk, "taken a load of pills", "my mate's taken a load of pills"},
	{OthersAtRisk, "taken an overdose", "my wife's taken an overdose"},
	{OthersAtRisk, "not answered her|his door", "my neighbour's not answered her door in days"},
	{OthersAtRisk, "has not been seen for days", "the old man upstairs hasn't been seen for days"},
	{OthersAtRisk, "milk is still on the step", "her milk's still on the step"},
	{OthersAtRisk, "crying|shouting for help", "I can hear her crying for help"},
	{OthersAtRisk, "mum|dad|husband|wife|son|daughter|nan|grandad|gran [has|is] gone missing", "my mum's gone missing and she has dementia"},
	{OthersAtRisk, "wandered off", "my husband with dementia has wandered off"},
	{OthersAtRisk, "lying in her|his garden", "my neighbour's lying in her garden and not moving"},
	{OthersAtRisk, "and not moving", "she's on the floor and not moving"},
	{OthersAtRisk, "screaming every night", "there's a child next door screaming every night"},
	{OthersAtRisk, "no food or heating", "a vulnerable old man upstairs with no food or heating"},
	{OthersAtRisk, "says she wants to die", "my flatmate says she wants to die"},

	{SelfHarm, "arm|arms|leg|legs|wrist|wrists|hand on purpose", "I burned my arm on purpose"},
	{SelfHarm, "cannot stop the bleeding", "I've cut my arm and I can't stop the bleeding"},
	{SelfHarm, "cut is [really|very] deep", "the cut's really deep"},
	{Method, "pills|tablets hidden", "I've got a box of pills hidden in my drawer"},
	{Method, "without taking them", "been collecting my prescriptions without taking them"},
	{Method, "pills and a note", "I found pills and a note in my son's room"},
	{Abuse, "is hitting me", "he's hitting me right now"},
	{Abuse, "he|she|they would|will hurt me", "he said he'd hurt me if I talked to you"},
	{Abuse, "not let me have", "he doesn't let me have a phone"},
	{Abuse, "stopped me seeing|from_seeing", "he's stopped me seeing my family"},
	{Abuse, "frightened|scared|afraid of him|her", "I'm frightened of her"},
	{Abuse, "pushes|pushed|shoves|shoved me", "my daughter shouts and pushes me"},
	{Medical, "fallen and [i] cannot get up", "I've fallen and I can't get up"},
	{Medical, "fallen and he|she is not", "my husband's fallen and he's not talking"},
	{BasicNeeds, "kids|children|baby are|is starving", "the kids are starving"},
	{BasicNeeds, "electric|gas|meter is|has run out", "my electric's run out"},
	{OthersAtRisk, "kill herself|himself", "my daughter said she wants to kill herself"},
	{OthersAtRisk, "he|she will end it", "my neighbour's been shouting that he'll end it"},

	{SelfHarm, "cutting my legs|arms", "been cutting my legs where no one can see"},
	{SelfHarm, "hitting my head against", "I've been hitting my head against the wall"},
	{Method, "stockpiling|hoarding|saving my husband|wife|mum|dad is tablets|pills|meds", "I've been stockpiling my husband's tablets"},
	{Method, "buying paracetamol from different", "I've been buying paracetamol from different shops"},
	{Method, "train times and the bridge", "I've been looking at the train times and the bridge"},
	{Abuse, "by the throat", "he grabbed me by the throat"},
	{Abuse, "fear|scared|frightened for my life", "I fear for my life"},
	{Abuse, "assaulted", "I've been sexually assaulted"},
	{Abuse, "is beating her|him|me", "my sister's boyfriend is beating her right now"},
	{Medical, "bleeding from his|her|my head", "my dad's had a fall and he's bleeding from his head"},
	{OthersAtRisk, "take all her|his pills|tablets", "she's going to take all her pills"},

	{SelfHarm, "feel like cutting", "I feel like cutting"},
	{SelfHarm, "cutting helps", "cutting helps me cope"},
	{SelfHarm, "bitten my arms", "I've bitten my arms till they bled"},
	{Method, "take all my pills|tablets", "I'm going to take all my pills tonight"},
	{Method, "tablets|pills in front of me", "I've got a lot of tablets in front of me"},
	{Method, "extra tablets|pills to make it stop", "I took extra tablets to make it stop"},
	{Method, "vodka|whisky|drink|alcohol with my tablets|pills", "I drank a bottle of vodka with my tablets"},
	{Method, "got the knife", "I've been drinking and I've got the knife"},
	{Abuse, "pinned me down", "he pinned me down"},
	{Abuse, "throws things at me", "he throws things at me"},
	{Abuse, "no one will believe me", "he says no one will believe me"},
	{Abuse, "scared he will kill me", "I'm scared he'll kill me"},
	{Abuse, "hiding in the toilet", "I'm hiding in the toilet, he's going mad"},
	{Abuse, "mugged", "I've been mugged and I'm hurt"},
	{Medical, "crushing feeling in my chest", "I've got a crushing feeling in my chest"},
	{Medical, "chest really hurts|hurts", "my chest really hurts and I feel sick and clammy"},
	{Medical, "cannot catch my breathe", "I can't catch my breath"},
	{Medical, "slurring", "my husband's slurring and can't stand up"},
	{Medical, "sick and there is blood", "I've been sick and there's blood"},
	{Medical, "cannot stop bleeding", "I can't stop bleeding"},
	{BasicNeeds, "nothing to heat", "I've got nothing to heat the flat"},
	{BasicNeeds, "cannot feed my kids|children|baby", "I can't feed my kids tonight"},
	{BasicNeeds, "sleeping in a tent", "I'm sleeping in a tent"},
	{BasicNeeds, "thrown out and", "I've been thrown out and it's night"},
	{OthersAtRisk, "on the floor all night", "my neighbour's been on the floor all night"},
	{OthersAtRisk, "has not been out for a week", "the old lady next door hasn't been out for a week"},

	// Categories of the training-set risk that rules and model missed out
	// of fold, generalised by person and wording.
	{Suicide, "by my|his|her|their own hand", "I've decided to go quietly, by my own hand"},
	{Suicide, "said|saying|say goodbye|bye|tara|ta_ra to everyone|everybody|you_all", "said ta-ra to everyone, that's me"},
	{Suicide, "planning|plan|going|decided not to be here|around", "I'm planning not to be here"},
	{Suicide, "looking forward to dying|being_dead|not_being_here", "I'm looking forward to dying"},
	{Suicide, "not scared|afraid|frightened of dying anymore|any_more", "I'm not scared of dying anymore"},
	{Suicide, "sui|suicide thoughts|feelings|ideation", "sui thoughts again"},
	{Method, "drank|drunk|swallowed|drinking|took bleach|antifreeze|weedkiller|weed_killer", "drank bleach i think i need help"},
	{Method, "enough paracetamol|pills|tablets|meds|painkillers|co_codamol|codamol to", "I've got enough paracetamol to not need any of it"},
	{Method, "blade|razor is right next to|beside|in_front_of me", "the blade is right next to me"},
	{Method, "toilets|bathroom|room with a razor|blade", "sat in the toilets with a razor"},
	{Method, "too much ket|coke|mdma|md|heroin|paracetamol|insulin|methadone", "took too much ket and my heart is going mental"},
	{SelfHarm, "went too far with the blade|razor", "went too far with the blade"},
	{Medical, "inhaler is not working|doing_anything|helping", "my inhaler isn't doing anything"},
	{Medical, "can barely breathe|speak", "my chest's gone tight and I can barely speak"},
	{Medical, "she|he|they not wake up", "my mother fall down, she not wake up"},
	{Medical, "been|was|got spiked", "my friend's been spiked"},
	{Medical, "still on the floor", "I fell at 6 and I'm still on the floor"},
	{Abuse, "never walk again", "he said he'll make sure I never walk again"},
	{OthersAtRisk, "being groomed", "I think my son is being groomed"},

	// Warning signs of issue 12 the lexicon missed: ending "things",
	// a head or voices saying "do it", putting affairs in order, giving
	// pets away. Written from the warning signs (NHS, Samaritans), not from
	// dataset lines; guarded in harmlessIdioms where an everyday sense
	// shares the words ("ending things with him", "let's just do it and
	// get it over with", "my head says do it, my legs say no").
	{Suicide, "feel|feeling|felt|thinking|thought|thoughts|think like|about|of ending|end things", "feel like ending things tbh"},
	{Suicide, "want|wanting|wants|going|planning|ready|decided|how to end things", "I've been reading about how to end things"},
	{Suicide, "head|brain|mind|voice|voices says|say|keeps_saying|keep_saying|is_saying|are_saying|tells_me|tell_me|keeps_telling_me|keep_telling_me|is_telling_me|are_telling_me [to] [just] do it", "my head says do it, just get it over with"},
	{Suicide, "do it [and|just|and_just] [just] get it over with", "I might as well do it and get it over with"},
	{Suicide, "^ [i] [should|will|might] just get it over with $", "just get it over with"},
	{Suicide, "get it|life|everything over with for_good|forever|permanently", "I want to get it over with for good"},
	{Suicide, "affairs in order", "I've put my affairs in order"},
	{Suicide, "@poss will and who|wholl|letters|goodbyes|a_note", "sorted my will and who'll have the dog"},
	{Suicide, "gave|given|giving|give away @poss|the dog|dogs|cat|cats|budgie|pet|pets|rabbit|bird|parrot", "I've given away the budgie and my good coat"},
	{Suicide, "gave|given|giving|give @poss|the dog|dogs|cat|cats|budgie|pet|pets|rabbit|bird|parrot away", "my uncle's given his dog away"},
	{Suicide, "to @poss|our|a|the @kin|neighbour|neighbours|friend|mate|niece|nephew for_good|forever|permanently", "I've given my dog to my neighbour for good"},
	{Suicide, "look|looks|looking after him|her|them|it better than i|me", "gave my cat to my sister, she'll look after her better than me"},

	// Asking for help now.
	{Crisis, "^ [please] help me [please] $", "help me please"},
	{Crisis, "please help i am scared", "please help I'm scared"},
	{Crisis, "sos", "sos"},
	{Crisis, "i am in a bad way", "can someone come, I'm in a bad way"},
	{Crisis, "need help now|urgently", "I need help now"},
	{Crisis, "i am scared i will do", "I'm scared I'll do something to myself"},
}

// fromTrainingMisses are rules written (issue 17) for the warning signs
// that no rule caught and the model ranked lowest among the training
// set's risk messages out of fold: a plan made, a day chosen, a note's
// words, leaving and not coming back, a gun to hand, medicine stopped on
// purpose, fear at home at night, no more appointments needed. Each is
// written as the warning sign in general (NHS and Samaritans: talk of a
// plan or a date, goodbyes, "by the time you read this"), not as the line
// it came from, and matches no non-risk line of the four data files.
// They make a message urgent like any rule, but Train leaves them out
// when it chooses the threshold: they would count as catching the very
// training messages they were written from, and so lift the threshold
// (0.15 to 0.27 for the shipped seed, 0.33 for a three-network ensemble,
// which then missed a dev risk message the model used to catch).
var fromTrainingMisses = []Entry{
	{Suicide, "already chosen|picked|set|decided a|the|my day|date $", "and don't tell me to ring samaritans. I've already chosen a day"},
	{Suicide, "drive|walk|swim and not coming|come back", "going for a drive and not coming back"},
	{Suicide, "want|wanting|wants out for_good|forever|permanently", "I want out for good"},
	{Suicide, "by the time you read this", "by the time you read this it will be over"},
	{Suicide, "still here for now", "yes I'm still here, for now"},
	{Suicide, "i_have|i_have_got made my plans|plan $", "not for much longer, I've made my plans"},
	{Suicide, "i will be gone by then|tomorrow|the_morning|next_week $", "don't bother rearranging, I'll be gone by then"},
	{Suicide, "tell the_group|everyone|everybody|them|him|her|@kin i am sorry $", "please tell the group I'm sorry"},
	{Suicide, "left|leaving|written|wrote|writing a letter|letters|note for [@poss|our] @kin|everyone", "I've cleared out my room and left a letter for mum"},
	{Suicide, "stopped taking @poss|the tablets|meds|medication|heart_tablets|insulin deliberately|on_purpose", "I've stopped taking the heart tablets deliberately"},
	{Method, "here with @poss|a|the [dad_is|dads|old] [old] shotgun|gun|rifle", "now I'm sat here with my dad's old shotgun"},
	{Abuse, "scared|afraid|frightened|terrified to [go_to] sleep|go_home because of him|her|them", "I'm scared to go to sleep because of him"},
	{Abuse, "hitting|beating|hurting|abusing my little|baby|big|younger|older|step @kin", "my stepdad is hitting my little sister, I can hear it"},
	{Crisis, "i am not ok please call|ring me", "i'm not ok, please call me now"},
	{Suicide, "will not need any_more_appointments|any_more_sessions|any_more_calls|any_more_visits|the_group|the_appointments|the_sessions after this|today|tomorrow", "I won't need any more appointments after this week"},
}

// Words that turn a match into something else. Each was found in
// training replies that are not risk; a suppressed match is left to the
// model, which has been trained on denials, recovery and bereavement alike.

// deniedOrOverBefore are word runs which, right before a match, deny it or
// put it behind the writer: "I'm not suicidal", "I'm not gonna hurt
// myself", "it's not about hurting myself", "I don't self harm anymore",
// "two years free of self harm", "clean from self harm", and bereavement,
// "we lost him to an overdose", "she died of an overdose". "never" is not
// here: "I've never felt so suicidal" is risk.
var deniedOrOverBefore = []string{
	"not",
	"not going",
	"not going to",
	"not about",
	"no longer",
	"free of|from",
	"clean of|from",
	"years|year|months since i last",
	"to an",
	"of an",
}

// harmlessIdioms are everyday phrases that hold a lexicon phrase; a match
// that starts inside one of them is not a match ("I've overdosed on mince
// pies", "shot myself in the foot", "cutting myself off from people",
// "it's hitting me hard", "they dared me to jump off the pier"). Patterns
// use the lexicon's syntax.
var harmlessIdioms = []string{
	"overdose|overdosed|overdosing on chocolate|sweets|cake|mince|biscuits|sugar|crisps|cheese|coffee|caffeine|telly|netflix|christmas|carbs|pizza|chips|sun|sunshine",
	"shot|shoot @self in the foot",
	"cut|cuts|cutting @self off",
	"is|it|its hitting me hard",
	"dared me|him|her|them|us to jump",
	"send someone|somebody to translate|interpret",
	"send someone|somebody to help me fill|with",
	"jump off at|the_bus|the_tram",
	"took|taken my phone to play",
	"chest pain|pains turned_out|was_nothing|was_just|was_only",
	"fence|wall|roof|ceiling|shed|tent|shelf|shelves|chair|bed|cake|deal|plans|business|bridge|market collapsed",
	// Work up on a roof (issue 17's new training lines).
	"[i_am|he_is|she_is|we_are|they_are] on the roof helping|fixing|mending|clearing|cleaning|sorting|doing|replacing|with_the_gutters|with_the_aerial",
	// Talk about overdoses that is about training and prevention, and
	// rules about food that are not about going without.
	"overdose|overdoses awareness|prevention|training|course|kit|kits|response|day|deaths|statistics|workshop|talk|session|first_aid",
	"no food|eating [or|and] [drink|drinks|drinking] allowed|permitted|policy|rule|rules|past_this_point|beyond_this_point|in_the_library|in_class|in_the_classroom|in_lessons|in_the_pool|in_the_gallery|in_the_museum|in_the_cinema|in_the_theatre|in_the_hall|in_church|in_the_church",
	// Ending a relationship or a course, not a life.
	"feel|feeling|felt|thinking|thought|thoughts|think|want|wanting|wants|going|planning|ready|decided|how like|about|of|to ending|end things with him|her|them|you|my_boyfriend|my_girlfriend|my_partner|my_husband|my_wife|my_ex|my_fella|my_bf|my_gf|my_fiance|my_fiancee",
	"feel|feeling|felt|thinking|thought|thoughts|think|want|wanting|wants|going|planning|ready|decided|how like|about|of|to ending|end things on a_high|a_good_note|good_terms",
	// "Do it" about a chore, an appointment or exercise.
	"let|lets|let_is|let_us|shall_we|can_we|could_we|we_will|we_can|we_could [just] do it",
	"head|brain|mind says|say|keeps_saying|keep_saying|is_saying|tells_me|tell_me|keeps_telling_me|is_telling_me [to] [just] do it [but] my body|legs|knees|back|feet|bank|purse|wallet",
	"the|deputy|school head says|said|tells_me|told_me",
}
