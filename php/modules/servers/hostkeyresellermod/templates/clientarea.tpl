{* The client area of a HOSTKEY server: live power state, power and reinstall
   buttons, the server's facts. Every value is escaped; templates/js/clientarea.js
   reads what it needs from data-* attributes and writes only text back. *}
<div class="hostkeyresellermod-clientarea" id="hkrm-clientarea-{$serviceId|default:0|escape:'html'}"
    data-action-url="{$actionUrl|default:''|escape:'html'}"
    data-poll-ms="{$hkrmPollMs|default:3000|escape:'html'}">
    <form class="hkrm-token" action="{$actionUrl|default:''|escape:'html'}" method="post">
        <input type="hidden" name="token" value="{$token|default:''|escape:'html'}">
    </form>
    <div class="card mb-3">
        <div class="card-body">
            <div class="d-flex flex-wrap align-items-center mb-3">
                <span class="mr-2">Power:</span>
                <span class="badge badge-pill hkrm-power {if $server.power == 'on'}badge-success{elseif $server.power == 'off'}badge-secondary{else}badge-warning{/if}"
                    data-power="{$server.power|escape:'html'}">{$server.label|escape:'html'}</span>
                <span class="hkrm-progress ml-3 text-muted{if !$server.busy} d-none{/if}" role="status" aria-live="polite">
                    <span class="spinner-border spinner-border-sm mr-1" aria-hidden="true"></span>
                    <span class="hkrm-busy-label">{$server.busyLabel|escape:'html'}</span>
                </span>
            </div>
            <div class="hkrm-actions btn-toolbar" role="toolbar" aria-label="Server actions">
                {foreach from=$actions|default:[] item=action}
                    <button type="button"
                        class="btn btn-sm mr-2 mb-2 hkrm-action {if $action.op == 'off' || $action.op == 'reinstall'}btn-outline-danger{elseif $action.op == 'refresh'}btn-outline-secondary{else}btn-outline-primary{/if}"
                        data-op="{$action.op|escape:'html'}" data-confirm="{$action.confirm|escape:'html'}"
                        {if !$action.enabled || ($server.busy && $action.op != 'refresh')}disabled{/if}
                        data-enabled="{if $action.enabled}1{else}0{/if}">{$action.label|escape:'html'}</button>
                {/foreach}
            </div>
            <div class="hkrm-confirm alert alert-warning d-none" role="alertdialog" aria-live="assertive">
                <p class="hkrm-confirm-text mb-2"></p>
                <button type="button" class="btn btn-sm btn-danger hkrm-confirm-yes">Yes, go ahead</button>
                <button type="button" class="btn btn-sm btn-link hkrm-confirm-no">Cancel</button>
            </div>
            <form class="hkrm-reinstall border rounded p-3 mb-2 d-none" autocomplete="off">
                <div class="form-group">
                    <label for="hkrm-os-{$serviceId|default:0|escape:'html'}">Operating system</label>
                    <select class="form-control" name="os_id" id="hkrm-os-{$serviceId|default:0|escape:'html'}" required>
                        {foreach from=$osChoices|default:[] item=os}
                            <option value="{$os.id|escape:'html'}">{$os.name|escape:'html'}</option>
                        {/foreach}
                    </select>
                </div>
                <div class="form-group">
                    <label for="hkrm-password-{$serviceId|default:0|escape:'html'}">New root password</label>
                    <input type="password" class="form-control" name="password"
                        id="hkrm-password-{$serviceId|default:0|escape:'html'}" autocomplete="new-password" required>
                </div>
                <div class="form-group form-check">
                    <input type="checkbox" class="form-check-input" name="confirm" value="1"
                        id="hkrm-confirm-{$serviceId|default:0|escape:'html'}" required>
                    <label class="form-check-label hkrm-reinstall-confirm" for="hkrm-confirm-{$serviceId|default:0|escape:'html'}">
                        {assign var=hkrmWipe value=''}{foreach from=$actions|default:[] item=action}{if $action.op == 'reinstall'}{assign var=hkrmWipe value=$action.confirm}{/if}{/foreach}
                        {if $hkrmWipe}{$hkrmWipe|escape:'html'}{else}I understand that reinstalling erases everything on the server.{/if}
                    </label>
                </div>
                <button type="submit" class="btn btn-danger btn-sm">Reinstall the server</button>
                <button type="button" class="btn btn-link btn-sm hkrm-reinstall-cancel">Cancel</button>
            </form>
            <div class="hkrm-message alert {if $errorMessage|default:''}alert-warning{else}d-none{/if}" role="alert" aria-live="polite">{$errorMessage|default:''|escape:'html'}</div>
        </div>
    </div>
    {if $facts|default:[]}
        <table class="table table-striped hkrm-facts">
            {foreach from=$facts item=fact}
                <tr>
                    <th scope="row">{$fact.label|escape:'html'}</th>
                    <td>{$fact.value|escape:'html'}</td>
                </tr>
            {/foreach}
        </table>
    {/if}
    {if $ssoUrl|default:''}
        <p><a class="btn btn-outline-secondary btn-sm" href="{$ssoUrl|escape:'html'}" target="_blank" rel="noopener noreferrer">Open the control panel</a></p>
    {/if}
    <script src="{$WEB_ROOT|default:''|escape:'html'}/modules/servers/hostkeyresellermod/templates/js/clientarea.js" defer></script>
</div>
