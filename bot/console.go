package bot

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Console runs a private chat with b in a terminal. Each line read from in
// is a message; each reply is written to out as plain text, its buttons as
// numbered choices ([1] 更多结果 ▶) that typing the number presses. A line
// that starts with 那 or ends with 呢 after an answer follows it up, as a
// reply to the answer does in a chat (那2025年呢, 那草原呢). It
// returns nil at the end of input, after /quit or /exit, or when ctx is
// done. With prompt set it greets the user and writes "> " before each
// line, for a terminal; without it the output is the replies alone, for a
// pipe.
//
// Reading in blocks, so a goroutine reads the lines; it ends at the end of
// input or with the process.
func Console(ctx context.Context, b *Bot, in io.Reader, out io.Writer, prompt bool) error {
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		defer close(lines)
		r := bufio.NewReader(in)
		for {
			line, err := r.ReadString('\n')
			if line != "" {
				select {
				case lines <- strings.TrimRight(line, "\r\n"):
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr <- err
				}
				return
			}
		}
	}()

	c := console{b: b, out: out, questions: map[int]Message{}}
	if prompt {
		fmt.Fprintf(out, "planbot · %s\n直接输入问题或命令（/help 查看用法），输入按钮前的编号选择按钮，/quit 退出。\n", b.shortTitle())
	}
	for {
		if prompt {
			fmt.Fprint(out, "> ")
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			select {
			case err := <-readErr:
				return fmt.Errorf("bot: console: %w", err)
			default:
				if prompt {
					fmt.Fprintln(out)
				}
				return nil
			}
		}
		switch strings.TrimSpace(line) {
		case "/quit", "/exit":
			return nil
		case "":
			continue
		}
		c.handle(line)
	}
}

// console is the state of a terminal chat: what Telegram would keep in the
// chat's history. The Bot itself keeps none.
type console struct {
	b         *Bot
	out       io.Writer
	lastID    int
	questions map[int]Message // the user's messages, by ID, for "more results"
	choices   []choice        // the buttons of the last replies
	answer    string          // the text of the last answer to a question
}

// choice is a button the user can press by its number.
type choice struct {
	button    Button
	messageID int // the bot message under which it stands
	replyTo   int // what that message replies to
}

// keep is how many of the user's messages the console remembers.
const keep = 200

func (c *console) handle(line string) {
	if n, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && n >= 1 && n <= len(c.choices) {
		ch := c.choices[n-1]
		cb := Callback{Data: ch.button.Data, MessageID: ch.messageID}
		if q, ok := c.questions[ch.replyTo]; ok {
			cb.Question = &q
		}
		a := c.b.HandleCallback(cb)
		if a.Notice != "" {
			fmt.Fprintf(c.out, "（%s）\n", a.Notice)
		}
		c.print(a.Replies)
		return
	}
	c.lastID++
	m := Message{ID: c.lastID, ChatType: Private, Text: line}
	if c.answer != "" && isFollowUp(line) {
		m.ReplyToBot, m.ReplyText = true, c.answer
	}
	c.questions[m.ID] = m
	delete(c.questions, m.ID-keep)
	replies := c.b.HandleMessage(m)
	if !slices.ContainsFunc(replies, func(r Reply) bool { return r.Answer != nil }) {
		c.answer = "" // a command's reply, a hint: nothing to follow up
	}
	c.print(replies)
}

// print writes replies as plain text and numbers their buttons. Replies
// without buttons leave the earlier ones pressable, as in a chat.
func (c *console) print(replies []Reply) {
	if len(replies) == 0 {
		return
	}
	for _, r := range replies {
		if len(r.Buttons) > 0 {
			c.choices = nil
			break
		}
	}
	var shown *Answer
	for _, r := range replies {
		c.lastID++
		switch {
		case r.Answer == nil:
			fmt.Fprintln(c.out)
			fmt.Fprintln(c.out, PlainText(r.HTML))
		case r.Answer != shown:
			// An answer is written whole, once, however a chat would
			// have cut it.
			shown = r.Answer
			c.answer = Text(*r.Answer)
			fmt.Fprintln(c.out)
			fmt.Fprintln(c.out, c.answer)
		}
		for _, row := range r.Buttons {
			var labels []string
			for _, btn := range row {
				c.choices = append(c.choices, choice{button: btn, messageID: c.lastID, replyTo: r.ReplyTo})
				labels = append(labels, fmt.Sprintf("[%d] %s", len(c.choices), btn.Text))
			}
			fmt.Fprintln(c.out, "  "+strings.Join(labels, "  "))
		}
	}
	fmt.Fprintln(c.out)
}

// isFollowUp reports whether a line of the console follows up the answer
// before it: 那… or …呢.
func isFollowUp(line string) bool {
	line = strings.TrimRight(strings.TrimSpace(line), "？?。！!")
	return strings.HasPrefix(line, "那") || strings.HasSuffix(line, "呢")
}
