/* 16550 UART on COM1 (0x3F8), 115200 8N1, polled. */
#include "io.h"
#include "arch.h"

#define COM1 0x3f8
#define UART_THR 0   /* transmit holding */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7   /* scratch: reads back what was written if a UART is there */
#define UART_DLL 0   /* divisor latch, with LCR.DLAB */
#define UART_DLM 1
#define LSR_THRE 0x20

static bool serial_ready;

void arch_serial_init(void)
{
	/* no UART: stay silent rather than spin on a status register that never changes */
	outb(COM1 + UART_SCR, 0xa5);
	if (inb(COM1 + UART_SCR) != 0xa5)
		return;
	outb(COM1 + UART_IER, 0x00);          /* no interrupts: we poll */
	outb(COM1 + UART_LCR, 0x80);          /* DLAB to set the divisor */
	outb(COM1 + UART_DLL, 1);             /* 115200 / 1 */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, 0x03);          /* 8N1 */
	outb(COM1 + UART_FCR, 0x07);          /* FIFO on and cleared */
	outb(COM1 + UART_MCR, 0x03);          /* DTR, RTS */
	serial_ready = true;
}

static void serial_putc(char c)
{
	/* bounded wait: a missing UART must not hang the hypervisor */
	for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(COM1 + UART_THR, (u8)c);
}

void arch_serial_write(const char *s, size_t len)
{
	if (!serial_ready)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
