/*
 * The HOSTKEY server's client area: power and reinstall actions by AJAX
 * (POST modop=custom&a=clientAction to the page's own URL), polling op=status
 * while an action runs. No framework: WHMCS themes ship jQuery, but this
 * file must not depend on what a theme loads. Everything the server sends
 * is written as text (textContent), never as HTML.
 */
(function () {
    'use strict';

    var FAILED = 'The server did not answer as expected; please try again in a moment.';
    var BADGES = { on: 'badge-success', off: 'badge-secondary' };

    function ClientArea(root) {
        this.root = root;
        this.url = root.getAttribute('data-action-url') || '';
        this.pollMs = Math.max(500, parseInt(root.getAttribute('data-poll-ms'), 10) || 3000);
        var tokenField = root.querySelector('form.hkrm-token input[name="token"]');
        this.token = tokenField ? tokenField.value : '';
        this.badge = root.querySelector('.hkrm-power');
        this.progress = root.querySelector('.hkrm-progress');
        this.busyLabel = root.querySelector('.hkrm-busy-label');
        this.message = root.querySelector('.hkrm-message');
        this.confirmBox = root.querySelector('.hkrm-confirm');
        this.reinstall = root.querySelector('form.hkrm-reinstall');
        this.pending = null;
        this.inFlight = false;
        this.busy = this.progress && !this.progress.classList.contains('d-none');
        this.timer = null;
        this.bind();
        if (this.busy) {
            this.schedulePoll();
        }
    }

    ClientArea.prototype.buttons = function () {
        return Array.prototype.slice.call(this.root.querySelectorAll('button.hkrm-action'));
    };

    ClientArea.prototype.bind = function () {
        var self = this;
        this.buttons().forEach(function (button) {
            button.addEventListener('click', function () {
                self.choose(button.getAttribute('data-op') || '', button.getAttribute('data-confirm') || '');
            });
        });
        this.root.querySelector('.hkrm-confirm-yes').addEventListener('click', function () {
            var op = self.pending;
            self.hideConfirm();
            if (op) {
                self.send(op, {});
            }
        });
        this.root.querySelector('.hkrm-confirm-no').addEventListener('click', function () {
            self.hideConfirm();
        });
        this.reinstall.addEventListener('submit', function (event) {
            event.preventDefault();
            var form = self.reinstall;
            if (!form.reportValidity()) {
                return;
            }
            var fields = {
                os_id: form.elements.os_id.value,
                password: form.elements.password.value,
                confirm: form.elements.confirm.checked ? '1' : '0'
            };
            form.elements.password.value = '';
            form.elements.confirm.checked = false;
            form.classList.add('d-none');
            self.send('reinstall', fields);
        });
        this.root.querySelector('.hkrm-reinstall-cancel').addEventListener('click', function () {
            self.reinstall.reset();
            self.reinstall.classList.add('d-none');
        });
    };

    ClientArea.prototype.choose = function (op, confirmText) {
        this.hideConfirm();
        this.showMessage('', true);
        if (op === 'reinstall') {
            this.reinstall.classList.remove('d-none');
            this.reinstall.elements.os_id.focus();
            return;
        }
        this.reinstall.classList.add('d-none');
        if (op === 'refresh') {
            op = 'status';
        }
        if (confirmText !== '') {
            this.pending = op;
            this.confirmBox.querySelector('.hkrm-confirm-text').textContent = confirmText;
            this.confirmBox.classList.remove('d-none');
            return;
        }
        this.send(op, {});
    };

    ClientArea.prototype.hideConfirm = function () {
        this.pending = null;
        this.confirmBox.classList.add('d-none');
    };

    ClientArea.prototype.send = function (op, fields) {
        var self = this;
        var body = new URLSearchParams();
        body.append('modop', 'custom');
        body.append('a', 'clientAction');
        body.append('token', this.token);
        body.append('op', op);
        Object.keys(fields).forEach(function (name) {
            body.append(name, fields[name]);
        });
        this.inFlight = true;
        if (op !== 'status' || !this.busy) {
            this.setProgress(true, '');
        }
        this.refreshButtons(null);
        return fetch(this.url, {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
            body: body
        }).then(function (response) {
            return response.json();
        }).then(function (answer) {
            self.inFlight = false;
            self.apply(answer, op);
        }, function () {
            self.inFlight = false;
            self.setProgress(self.busy, null);
            self.refreshButtons(null);
            self.showMessage(FAILED, false);
        });
    };

    ClientArea.prototype.apply = function (answer, op) {
        if (!answer || typeof answer !== 'object' || typeof answer.ok !== 'boolean') {
            this.setProgress(this.busy, null);
            this.refreshButtons(null);
            this.showMessage(FAILED, false);
            return;
        }
        if (answer.server && typeof answer.server === 'object') {
            this.showServer(answer.server);
        } else {
            this.setProgress(this.busy, null);
        }
        this.refreshButtons(Array.isArray(answer.actions) ? answer.actions : null);
        var message = typeof answer.message === 'string' ? answer.message : '';
        if (!answer.ok) {
            this.showMessage(message !== '' ? message : FAILED, false);
        } else if (message !== '' || op !== 'status') {
            this.showMessage(message, true);
        }
        if (this.busy) {
            this.schedulePoll();
        }
    };

    ClientArea.prototype.showServer = function (server) {
        var power = typeof server.power === 'string' ? server.power : 'unknown';
        this.badge.classList.remove('badge-success', 'badge-secondary', 'badge-warning');
        this.badge.classList.add(BADGES[power] || 'badge-warning');
        this.badge.setAttribute('data-power', power);
        this.badge.textContent = typeof server.label === 'string' ? server.label : '';
        this.busy = server.busy === true;
        this.setProgress(this.busy, typeof server.busyLabel === 'string' ? server.busyLabel : '');
    };

    ClientArea.prototype.setProgress = function (visible, label) {
        this.progress.classList.toggle('d-none', !visible);
        this.root.setAttribute('aria-busy', visible ? 'true' : 'false');
        if (label !== null) {
            this.busyLabel.textContent = label !== '' ? label : 'Working…';
        }
    };

    /* Buttons follow the server's actions[].enabled; none while something runs. */
    ClientArea.prototype.refreshButtons = function (actions) {
        var enabled = {};
        if (actions) {
            actions.forEach(function (action) {
                if (action && typeof action.op === 'string') {
                    enabled[action.op] = action.enabled === true;
                }
            });
        }
        var locked = this.inFlight || this.busy;
        this.buttons().forEach(function (button) {
            var op = button.getAttribute('data-op');
            if (actions && Object.prototype.hasOwnProperty.call(enabled, op)) {
                button.setAttribute('data-enabled', enabled[op] ? '1' : '0');
            }
            var allowed = button.getAttribute('data-enabled') === '1';
            button.disabled = locked ? op !== 'refresh' || !allowed || this.inFlight : !allowed;
        }, this);
    };

    ClientArea.prototype.showMessage = function (text, ok) {
        this.message.textContent = text;
        this.message.classList.toggle('d-none', text === '');
        this.message.classList.remove('alert-warning');
        this.message.classList.toggle('alert-danger', !ok);
        this.message.classList.toggle('alert-success', ok);
    };

    ClientArea.prototype.schedulePoll = function () {
        var self = this;
        window.clearTimeout(this.timer);
        this.timer = window.setTimeout(function () {
            if (!self.inFlight) {
                self.send('status', {});
            }
        }, this.pollMs);
    };

    function start() {
        var roots = document.querySelectorAll('.hostkeyresellermod-clientarea[data-action-url]');
        Array.prototype.forEach.call(roots, function (root) {
            if (root.querySelector('.hkrm-power') && !root.hkrmClientArea) {
                root.hkrmClientArea = new ClientArea(root);
            }
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}());
