package store

import (
	"context"
	"strconv"
	"strings"
)

// SchemeSender is an address a scheme sends from and is written to: one of
// its Twilio numbers (E.164), or its Telegram bot's id.
type SchemeSender struct {
	SchemeID int64   `db:"scheme_id"`
	Channel  Channel `db:"channel"`
	Address  string  `db:"address"`
}

// ListSchemeSenders returns the scheme's addresses on channel, oldest first.
func (tx *Tx) ListSchemeSenders(ctx context.Context, schemeID int64, channel Channel) ([]string, error) {
	var list []string
	err := tx.selectAll(ctx, "list scheme senders", &list, `SELECT address FROM scheme_senders
		WHERE scheme_id = ? AND channel = ? ORDER BY id`, schemeID, channel)
	return list, err
}

// SetSchemeSenders makes addresses the scheme's whole list on channel. An
// address another scheme has is a Conflict: an address belongs to one
// scheme, so inbound messages to it reach that scheme only.
func (tx *Tx) SetSchemeSenders(ctx context.Context, schemeID int64, channel Channel, addresses []string) error {
	const op = "set scheme senders"
	if _, err := tx.exec(ctx, op, `DELETE FROM scheme_senders WHERE scheme_id = ? AND channel = ?`, schemeID, channel); err != nil {
		return err
	}
	for _, a := range addresses {
		if _, err := tx.exec(ctx, op, `INSERT INTO scheme_senders (scheme_id, channel, address, created_at) VALUES (?, ?, ?, ?)`,
			schemeID, channel, strings.TrimSpace(a), tx.now); err != nil {
			return err
		}
	}
	return nil
}

// senderWhere is the condition and argument matching people by their
// address on channel.
func senderWhere(channel Channel, address string) (string, any, bool) {
	if channel != ChannelTelegram {
		return `phone = ?`, address, true
	}
	chat, err := strconv.ParseInt(address, 10, 64)
	if err != nil {
		return "", nil, false
	}
	return `telegram_chat_id = ?`, chat, true
}
