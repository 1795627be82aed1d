package telegramtest

import (
	"time"

	"github.com/go-telegram/bot/models"
)

// Builders of the updates Telegram sends for a private chat with a person.
// In a private chat the chat id equals the person's user id. Update ids
// are filled in by Queue or PostUpdate.

var sentAt = int(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC).Unix())

func person(chat int64) (models.User, models.Chat) {
	return models.User{ID: chat, FirstName: "Sam"}, models.Chat{ID: chat, Type: models.ChatTypePrivate, FirstName: "Sam"}
}

// TextMessage is the person writing text as message messageID.
func TextMessage(chat int64, messageID int, text string) *models.Update {
	user, c := person(chat)
	return &models.Update{Message: &models.Message{ID: messageID, From: &user, Chat: c, Date: sentAt, Text: text}}
}

// Start is the person opening t.me/<bot>?start=<code>: Telegram sends
// "/start <code>" from their chat.
func Start(chat int64, messageID int, code string) *models.Update {
	u := TextMessage(chat, messageID, "/start "+code)
	u.Message.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 6}}
	return u
}

// ButtonPress is the person pressing the inline button with data under
// the bot's message messageID.
func ButtonPress(chat int64, messageID int, queryID, data string) *models.Update {
	user, c := person(chat)
	return &models.Update{CallbackQuery: &models.CallbackQuery{
		ID:           queryID,
		From:         user,
		ChatInstance: "1",
		Data:         data,
		Message: models.MaybeInaccessibleMessage{
			Type:    models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: messageID, Chat: c, Date: sentAt, Text: "question"},
		},
	}}
}

// Kicked is the person blocking the bot (my_chat_member, status kicked).
func Kicked(chat int64) *models.Update {
	return membership(chat, models.ChatMemberTypeMember, models.ChatMemberTypeBanned)
}

// Restarted is the person unblocking the bot after Kicked.
func Restarted(chat int64) *models.Update {
	return membership(chat, models.ChatMemberTypeBanned, models.ChatMemberTypeMember)
}

func membership(chat int64, from, to models.ChatMemberType) *models.Update {
	user, c := person(chat)
	botUser := &models.User{ID: BotID, IsBot: true, FirstName: "Linkbot", Username: Username}
	member := func(t models.ChatMemberType) models.ChatMember {
		if t == models.ChatMemberTypeBanned {
			return models.ChatMember{Type: t, Banned: &models.ChatMemberBanned{User: botUser}}
		}
		return models.ChatMember{Type: t, Member: &models.ChatMemberMember{User: botUser}}
	}
	return &models.Update{MyChatMember: &models.ChatMemberUpdated{
		Chat: c, From: user, Date: sentAt,
		OldChatMember: member(from), NewChatMember: member(to),
	}}
}
