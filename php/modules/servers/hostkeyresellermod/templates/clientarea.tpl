{* The client area of a HOSTKEY server. Every value is escaped. *}
<div class="hostkeyresellermod-clientarea">
    {if $status}
        <p class="hostkeyresellermod-status">Server status: <strong>{$status|escape:'html'}</strong></p>
    {/if}
    {if $fields}
        <table class="table table-striped">
            {foreach from=$fields item=field}
                <tr>
                    <th>{$field.label|escape:'html'}</th>
                    <td>{$field.value|escape:'html'}</td>
                </tr>
            {/foreach}
        </table>
    {/if}
    {if $errorMessage}
        <div class="alert alert-warning" role="alert">{$errorMessage|escape:'html'}</div>
    {/if}
    {if $panelUrl}
        <iframe src="{$panelUrl|escape:'html'}" class="hostkeyresellermod-panel" title="Server control panel"
            style="width: 100%; height: 800px; border: 0;" referrerpolicy="no-referrer"
            sandbox="allow-scripts allow-same-origin allow-forms allow-popups"></iframe>
        <p><a href="{$panelUrl|escape:'html'}" target="_blank" rel="noopener noreferrer">Open the control panel in a new window</a></p>
    {/if}
</div>
