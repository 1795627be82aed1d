package telegram

import (
	"regexp"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/linkbot/linkbot/bot"
)

// startPattern matches "/start <code>" as sent by a t.me/<bot>?start=<code>
// deep link; Telegram allows 1 to 64 characters of A-Z, a-z, 0-9, _ and -.
var startPattern = regexp.MustCompile(`^/start(?:@[A-Za-z0-9_]+)? ([A-Za-z0-9_-]{1,64})$`)

// inbound normalises one update. ok is false for updates Linkbot ignores:
// anything outside private chats, and update types it does not use.
// callbackID is set for a button press, which must be answered.
func inbound(u *models.Update, to string, now time.Time) (in bot.Inbound, callbackID string, ok bool) {
	in = bot.Inbound{Channel: bot.Telegram, To: to, ReceivedAt: now}
	switch {
	case u.Message != nil:
		return fromMessage(in, u.Message, "")
	case u.EditedMessage != nil:
		// An edit can change what was said ("I'm fine" to something
		// worrying): it is handed on as a message of its own.
		m := u.EditedMessage
		return fromMessage(in, m, ":edited:"+strconv.Itoa(m.EditDate))
	case u.CallbackQuery != nil:
		return fromCallback(in, u.CallbackQuery)
	case u.MyChatMember != nil:
		return fromMembership(in, u.MyChatMember)
	}
	return bot.Inbound{}, "", false
}

func fromMessage(in bot.Inbound, m *models.Message, idSuffix string) (bot.Inbound, string, bool) {
	if m.Chat.Type != models.ChatTypePrivate {
		return bot.Inbound{}, "", false
	}
	in.Kind = bot.KindMessage
	in.From = strconv.FormatInt(m.Chat.ID, 10)
	in.ProviderID = in.From + ":" + strconv.Itoa(m.ID) + idSuffix
	if idSuffix == "" {
		if match := startPattern.FindStringSubmatch(m.Text); match != nil {
			in.Kind = bot.KindLink
			in.LinkCode = match[1]
			return in, "", true
		}
	}
	in.Text = m.Text
	if in.Text == "" {
		in.Text = m.Caption
	}
	in.Attachments = attachments(m)
	if in.Text == "" && len(in.Attachments) == 0 {
		return bot.Inbound{}, "", false // a service message: nothing the person wrote
	}
	return in, "", true
}

// attachments lists a message's media by Telegram file id. Kinds without a
// file (a location, a contact) are still listed, so the link worker knows
// something came.
func attachments(m *models.Message) []bot.Attachment {
	var list []bot.Attachment
	add := func(kind, ref string) { list = append(list, bot.Attachment{Type: kind, Ref: ref}) }
	if n := len(m.Photo); n > 0 {
		add("photo", m.Photo[n-1].FileID) // the largest size
	}
	if m.Voice != nil {
		add("voice", m.Voice.FileID)
	}
	if m.Audio != nil {
		add("audio", m.Audio.FileID)
	}
	if m.Video != nil {
		add("video", m.Video.FileID)
	}
	if m.VideoNote != nil {
		add("video_note", m.VideoNote.FileID)
	}
	if m.Document != nil {
		add("document", m.Document.FileID)
	}
	if m.Sticker != nil {
		add("sticker", m.Sticker.FileID)
	}
	if m.Location != nil {
		add("location", "")
	}
	if m.Contact != nil {
		add("contact", "")
	}
	return list
}

func fromCallback(in bot.Inbound, q *models.CallbackQuery) (bot.Inbound, string, bool) {
	chat := q.From.ID // in a private chat the chat id is the user id
	switch {
	case q.Message.Message != nil:
		if q.Message.Message.Chat.Type != models.ChatTypePrivate {
			return bot.Inbound{}, "", false
		}
		chat = q.Message.Message.Chat.ID
	case q.Message.InaccessibleMessage != nil:
		chat = q.Message.InaccessibleMessage.Chat.ID
	}
	in.Kind = bot.KindChoice
	in.From = strconv.FormatInt(chat, 10)
	in.ProviderID = "callback:" + q.ID
	in.Choice = q.Data
	return in, q.ID, true
}

func fromMembership(in bot.Inbound, c *models.ChatMemberUpdated) (bot.Inbound, string, bool) {
	if c.Chat.Type != models.ChatTypePrivate {
		return bot.Inbound{}, "", false
	}
	switch {
	case c.NewChatMember.Type == models.ChatMemberTypeBanned:
		in.Kind = bot.KindBlocked
	case c.OldChatMember.Type == models.ChatMemberTypeBanned:
		in.Kind = bot.KindUnblocked
	default:
		return bot.Inbound{}, "", false
	}
	in.From = strconv.FormatInt(c.Chat.ID, 10)
	in.ProviderID = "member:" + in.From + ":" + strconv.Itoa(c.Date) + ":" + string(in.Kind)
	return in, "", true
}
