// Package telegramtest is a fake Telegram Bot API for tests: an httptest
// server answering the methods Linkbot uses (getMe, sendMessage,
// answerCallbackQuery, setWebhook, deleteWebhook, getUpdates), recording
// what was sent, with failures that can be scripted, and helpers that build
// updates and post them to a webhook the way Telegram does. The real
// go-telegram/bot client talks to it when telegram.Config.APIURL (or
// TELEGRAM_API_URL) points at Server.URL.
package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// Test identity of the fake bot.
const (
	Token    = "123456789:AAtestTOKENtestTOKENtestTOKEN_test-1"
	BotID    = 123456789
	Username = "linkbot_test_bot"
)

// Sent is one message the fake accepted.
type Sent struct {
	ChatID    int64
	MessageID int
	Text      string
	Buttons   []Button // the inline keyboard, row by row flattened
}

// Button is one inline keyboard button of a sent message.
type Button struct {
	Text string
	Data string
}

// Reply is a scripted error answer, as the Bot API gives it.
type Reply struct {
	HTTPStatus  int    // usually equal to ErrorCode
	ErrorCode   int    // error_code in the body
	Description string // description in the body
	RetryAfter  int    // parameters.retry_after, seconds
	Raw         string // when set, the body as is (a proxy's HTML page)
}

// Scripted failures, as Telegram sends them.
var (
	Blocked         = Reply{HTTPStatus: 403, ErrorCode: 403, Description: "Forbidden: bot was blocked by the user"}
	Deactivated     = Reply{HTTPStatus: 403, ErrorCode: 403, Description: "Forbidden: user is deactivated"}
	ChatNotFound    = Reply{HTTPStatus: 400, ErrorCode: 400, Description: "Bad Request: chat not found"}
	TooManyRequests = Reply{HTTPStatus: 429, ErrorCode: 429, Description: "Too Many Requests: retry after 7", RetryAfter: 7}
	ServerError     = Reply{HTTPStatus: 500, ErrorCode: 500, Description: "Internal Server Error"}
	BadGateway      = Reply{HTTPStatus: 502, Raw: "<html><body>502 Bad Gateway</body></html>"}
)

// Webhook is what setWebhook registered.
type Webhook struct {
	URL            string
	SecretToken    string
	AllowedUpdates []string
}

// Server is the fake Bot API. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server
	Token string

	mu        sync.Mutex
	sent      []Sent
	answered  []string
	blocked   map[int64]Reply
	script    []Reply
	webhook   *Webhook
	pending   []json.RawMessage
	updateID  int64
	messageID int
	wake      chan struct{} // closed and replaced when an update is queued
	closing   chan struct{}
}

// NewServer starts a fake Bot API for Token. Close it when done.
func NewServer() *Server {
	s := &Server{
		Token:   Token,
		blocked: map[int64]Reply{},
		wake:    make(chan struct{}),
		closing: make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{bot}/{method}", s.serveMethod)
	s.Server = httptest.NewServer(mux)
	return s
}

// Close releases waiting long polls and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closing:
	default:
		close(s.closing)
	}
	s.mu.Unlock()
	s.Server.Close()
}

// Block makes every sendMessage to chat fail with r (Blocked, Deactivated).
func (s *Server) Block(chat int64, r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chat] = r
}

// FailNext makes the next n sendMessage calls fail with r.
func (s *Server) FailNext(n int, r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.script = append(s.script, r)
	}
}

// Sent returns the messages accepted so far, oldest first.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Answered returns the callback query ids answered so far, by
// answerCallbackQuery calls or in webhook answers.
func (s *Server) Answered() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.answered...)
}

// Webhook returns what setWebhook registered, nil when none is set.
func (s *Server) Webhook() *Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook == nil {
		return nil
	}
	w := *s.webhook
	return &w
}

// Queue adds an update for getUpdates (long polling) to return, giving it
// the next update id.
func (s *Server) Queue(u *models.Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updateID++
	u.ID = s.updateID
	raw, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal update: %v", err))
	}
	s.pending = append(s.pending, raw)
	close(s.wake)
	s.wake = make(chan struct{})
}

// Pending returns how many queued updates getUpdates has not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("bot") != "bot"+s.Token {
		writeReply(w, Reply{HTTPStatus: 401, ErrorCode: 401, Description: "Unauthorized"})
		return
	}
	// go-telegram/bot sends an empty body with a multipart content type for
	// methods without parameters; like Telegram, read what parses and let
	// each method check what it needs.
	r.ParseMultipartForm(1 << 20)
	switch r.PathValue("method") {
	case "getMe":
		writeResult(w, models.User{ID: BotID, IsBot: true, FirstName: "Linkbot", Username: Username})
	case "sendMessage":
		s.sendMessage(w, r)
	case "answerCallbackQuery":
		s.mu.Lock()
		s.answered = append(s.answered, r.FormValue("callback_query_id"))
		s.mu.Unlock()
		writeResult(w, true)
	case "setWebhook":
		hook := &Webhook{URL: r.FormValue("url"), SecretToken: r.FormValue("secret_token")}
		json.Unmarshal([]byte(r.FormValue("allowed_updates")), &hook.AllowedUpdates)
		s.mu.Lock()
		s.webhook = hook
		s.mu.Unlock()
		writeResult(w, true)
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook = nil
		s.mu.Unlock()
		writeResult(w, true)
	case "getUpdates":
		s.getUpdates(w, r)
	default:
		writeReply(w, Reply{HTTPStatus: 404, ErrorCode: 404, Description: "Not Found: method not found"})
	}
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	chat, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil || r.FormValue("text") == "" {
		writeReply(w, Reply{HTTPStatus: 400, ErrorCode: 400, Description: "Bad Request: chat_id and text are required"})
		return
	}
	var markup struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if raw := r.FormValue("reply_markup"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &markup); err != nil {
			writeReply(w, Reply{HTTPStatus: 400, ErrorCode: 400, Description: "Bad Request: can't parse reply keyboard markup JSON object"})
			return
		}
	}

	s.mu.Lock()
	if reply, ok := s.blocked[chat]; ok {
		s.mu.Unlock()
		writeReply(w, reply)
		return
	}
	if len(s.script) > 0 {
		reply := s.script[0]
		s.script = s.script[1:]
		s.mu.Unlock()
		writeReply(w, reply)
		return
	}
	s.messageID++
	sent := Sent{ChatID: chat, MessageID: s.messageID, Text: r.FormValue("text")}
	for _, row := range markup.InlineKeyboard {
		for _, b := range row {
			sent.Buttons = append(sent.Buttons, Button{Text: b.Text, Data: b.CallbackData})
		}
	}
	s.sent = append(s.sent, sent)
	s.mu.Unlock()

	writeResult(w, models.Message{
		ID:   sent.MessageID,
		Date: int(time.Now().Unix()),
		Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate},
		From: &models.User{ID: BotID, IsBot: true, FirstName: "Linkbot", Username: Username},
		Text: sent.Text,
	})
}

// getUpdates confirms updates below offset, then answers at once with
// what is pending, or waits for the next update, the client, or Close.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.ParseInt(r.FormValue("offset"), 10, 64)
	for {
		s.mu.Lock()
		if s.webhook != nil {
			s.mu.Unlock()
			writeReply(w, Reply{HTTPStatus: 409, ErrorCode: 409,
				Description: "Conflict: can't use getUpdates method while webhook is active"})
			return
		}
		var out []json.RawMessage
		keep := s.pending[:0]
		for _, raw := range s.pending {
			var head struct {
				ID int64 `json:"update_id"`
			}
			json.Unmarshal(raw, &head)
			if head.ID < offset {
				continue // confirmed
			}
			keep = append(keep, raw)
			out = append(out, raw)
		}
		s.pending = keep
		wake := s.wake
		s.mu.Unlock()

		if len(out) > 0 {
			writeResult(w, out)
			return
		}
		select {
		case <-wake:
		case <-r.Context().Done():
			return
		case <-s.closing:
			writeResult(w, []json.RawMessage{})
			return
		}
	}
}

func writeResult(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeReply(w http.ResponseWriter, r Reply) {
	if r.Raw != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(r.HTTPStatus)
		io.WriteString(w, r.Raw)
		return
	}
	body := map[string]any{"ok": false, "error_code": r.ErrorCode, "description": r.Description}
	if r.RetryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": r.RetryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.HTTPStatus)
	json.NewEncoder(w).Encode(body)
}

// PostUpdate posts u to a webhook url as Telegram does, with secret in
// X-Telegram-Bot-Api-Secret-Token unless it is empty. Like Telegram, it
// carries out a method given in a successful answer (answerCallbackQuery).
// It returns the HTTP status of the answer.
func (s *Server) PostUpdate(ctx context.Context, url, secret string, u *models.Update) (int, error) {
	s.mu.Lock()
	if u.ID == 0 {
		s.updateID++
		u.ID = s.updateID
	}
	s.mu.Unlock()
	body, err := json.Marshal(u)
	if err != nil {
		return 0, fmt.Errorf("post update: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("post update: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		return 0, fmt.Errorf("post update: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		var call struct {
			Method          string `json:"method"`
			CallbackQueryID string `json:"callback_query_id"`
		}
		if json.NewDecoder(resp.Body).Decode(&call) == nil && call.Method == "answerCallbackQuery" {
			s.mu.Lock()
			s.answered = append(s.answered, call.CallbackQueryID)
			s.mu.Unlock()
		}
	}
	return resp.StatusCode, nil
}
